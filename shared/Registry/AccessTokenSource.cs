namespace ImageTrust.Registry;

/// <summary>Supplies an OAuth 2.0 access token (Google Application Default Credentials in production, a fake in tests).</summary>
internal abstract class AccessTokenSource
{
    /// <summary>A currently valid access token; implementations cache and refresh it.</summary>
    /// <exception cref="Model.ConfigurationException">No credentials are configured.</exception>
    /// <exception cref="Model.TransientFailureException">The token service could not be reached.</exception>
    public abstract Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default);
}
