namespace ImageTrust.Model;

/// <summary>
/// Supplies OAuth 2.0 access tokens for Google APIs and Google registries (Application Default Credentials in production, a
/// fake in tests). Implementations cache and refresh tokens themselves.
/// </summary>
internal abstract class AccessTokenSource
{
    /// <summary>A currently valid access token.</summary>
    /// <exception cref="ConfigurationException">No credentials are configured.</exception>
    /// <exception cref="TransientFailureException">The token could not be obtained now.</exception>
    public abstract Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default);
}
