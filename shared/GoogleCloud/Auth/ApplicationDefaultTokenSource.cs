using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.Auth;

/// <summary>
/// Access tokens from Application Default Credentials (metadata server on Cloud Run, or a key file / gcloud login locally),
/// scoped to <c>cloud-platform</c>. The credential is loaded lazily on first use; Google.Apis.Auth caches and refreshes the token.
/// </summary>
internal sealed class ApplicationDefaultTokenSource : AccessTokenSource
{
    /// <summary>The OAuth2 scope every adapter needs.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly Lazy<Task<ITokenAccess>> _credential;

    /// <summary>Creates the source; nothing is loaded until the first token is requested.</summary>
    public ApplicationDefaultTokenSource()
    {
        _credential = new Lazy<Task<ITokenAccess>>(LoadAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public override async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var credential = await _credential.Value.ConfigureAwait(false);
        try
        {
            return await credential.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or TokenResponseException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientFailureException("could not obtain a Google access token", exception);
        }
    }

    private static async Task<ITokenAccess> LoadAsync()
    {
        try
        {
            var credential = await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false);
            return credential.CreateScoped(CloudPlatformScope);
        }
        catch (InvalidOperationException exception)
        {
            throw new ConfigurationException("Google Application Default Credentials are not available: run on Google Cloud, set GOOGLE_APPLICATION_CREDENTIALS, or use the emulators", exception);
        }
    }
}
