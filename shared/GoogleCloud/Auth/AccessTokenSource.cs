namespace ImageTrust.GoogleCloud.Auth;

/// <summary>Supplies OAuth2 access tokens for Google APIs. Implementations cache and refresh tokens themselves.</summary>
internal abstract class AccessTokenSource
{
    /// <summary>Gets a currently valid access token.</summary>
    /// <exception cref="ImageTrust.Model.ConfigurationException">No credentials are configured.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The token could not be obtained now.</exception>
    public abstract Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default);
}
