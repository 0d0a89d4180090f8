using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>Finds the credential for a registry host. Implementations are thread-safe and ask for secrets only when called.</summary>
internal abstract class RegistryCredentialSource
{
    /// <summary>No credentials for any registry.</summary>
    public static RegistryCredentialSource Anonymous { get; } = new ChainedCredentialSource([]);

    /// <summary>
    /// The default chain: a docker <c>config.json</c> entry first, then <paramref name="googleTokens"/> (Application Default
    /// Credentials in production) for <c>*.pkg.dev</c> and <c>*gcr.io</c>, asked for only when such a host is contacted.
    /// </summary>
    public static RegistryCredentialSource CreateDefault(AccessTokenSource googleTokens)
        => new ChainedCredentialSource([DockerConfigCredentialSource.FromEnvironment(), new GoogleCredentialSource(googleTokens)]);

    /// <summary>The credential for <paramref name="registry"/> (<c>host[:port]</c>), or null for anonymous access.</summary>
    /// <exception cref="Model.ConfigurationException">The credential store is unreadable or malformed.</exception>
    /// <exception cref="Model.TransientFailureException">A token service could not be reached.</exception>
    public abstract ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken = default);
}
