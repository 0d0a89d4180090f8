using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.Auth;

/// <summary>
/// Access tokens from Application Default Credentials (the metadata server on Cloud Run, or a key file / gcloud login locally),
/// scoped to <c>cloud-platform</c>: the one token source of the registry client, Pub/Sub, Firestore, Container Analysis and Cloud
/// KMS. The credential is loaded on first use (so emulator-only runs never look for it) and loaded again after a failed load;
/// Google.Apis.Auth caches and refreshes the token.
/// </summary>
internal sealed class ApplicationDefaultTokenSource : AccessTokenSource
{
    /// <summary>The OAuth2 scope every adapter needs.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly Func<CancellationToken, Task<GoogleCredential>> _load;
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private ITokenAccess? _credential;

    /// <summary>Creates the source; nothing is loaded until the first token is requested.</summary>
    public ApplicationDefaultTokenSource()
        : this(GoogleCredential.GetApplicationDefaultAsync)
    {
    }

    /// <summary>Creates the source over another credential loader (the test seam).</summary>
    internal ApplicationDefaultTokenSource(Func<CancellationToken, Task<GoogleCredential>> load)
    {
        _load = load;
    }

    /// <inheritdoc />
    public override async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var credential = await LoadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await credential.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or TokenResponseException or IOException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TransientFailureException($"could not get a Google access token: {exception.Message}", exception);
        }
    }

    private async Task<ITokenAccess> LoadAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _credential) is { } loaded)
        {
            return loaded;
        }

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credential is null)
            {
                GoogleCredential credential;
                try
                {
                    credential = await _load(cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException exception)
                {
                    throw new ConfigurationException(
                        $"Google Application Default Credentials are not available ({exception.Message}): run on Google Cloud, set GOOGLE_APPLICATION_CREDENTIALS, or use the emulators",
                        exception);
                }

                Volatile.Write(ref _credential, credential.CreateScoped(CloudPlatformScope));
            }

            return _credential;
        }
        finally
        {
            _loadLock.Release();
        }
    }
}
