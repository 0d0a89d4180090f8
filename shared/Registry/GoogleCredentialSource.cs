using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// Google access tokens for Artifact Registry (<c>*.pkg.dev</c>) and Container Registry (<c>gcr.io</c>, <c>*.gcr.io</c>), as user
/// <c>oauth2accesstoken</c>, sent directly as a Bearer token. Other hosts get null, and the token source is never asked for them.
/// </summary>
internal sealed class GoogleCredentialSource : RegistryCredentialSource
{
    /// <summary>The user name Google registries expect with an access token.</summary>
    public const string AccessTokenUser = "oauth2accesstoken";

    private readonly AccessTokenSource _tokens;

    /// <summary>Creates the source over <paramref name="tokens"/>.</summary>
    public GoogleCredentialSource(AccessTokenSource tokens)
    {
        _tokens = tokens;
    }

    /// <summary>Whether <paramref name="registry"/> (<c>host[:port]</c>) is a Google registry.</summary>
    public static bool IsGoogleRegistry(string registry)
    {
        var host = registry.ToLowerInvariant();
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && !host.EndsWith(']'))
        {
            host = host[..colon];
        }

        return host.EndsWith(".pkg.dev", StringComparison.Ordinal) || host == "gcr.io" || host.EndsWith(".gcr.io", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override async ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken = default)
    {
        if (!IsGoogleRegistry(registry))
        {
            return null;
        }

        var token = await _tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        return new RegistryCredential(AccessTokenUser, token, sendAsBearer: true);
    }
}
