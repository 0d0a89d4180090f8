using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// Access tokens from Google Application Default Credentials, scoped <c>cloud-platform</c>. The credential is loaded on first use;
/// Google.Apis.Auth caches and refreshes the token.
/// </summary>
internal sealed class GoogleApplicationDefaultTokenSource : AccessTokenSource
{
    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private ITokenAccess? _credential;

    /// <inheritdoc />
    public override async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var credential = await LoadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or TokenResponseException or IOException)
        {
            throw new TransientFailureException($"could not get a Google access token: {exception.Message}", exception);
        }
    }

    private async Task<ITokenAccess> LoadAsync(CancellationToken cancellationToken)
    {
        if (_credential is not null)
        {
            return _credential;
        }

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credential is null)
            {
                GoogleCredential credential;
                try
                {
                    credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException exception)
                {
                    throw new ConfigurationException($"Google Application Default Credentials are not configured: {exception.Message}", exception);
                }

                _credential = credential.CreateScoped(CloudPlatformScope);
            }

            return _credential;
        }
        finally
        {
            _loadLock.Release();
        }
    }
}
