namespace ImageTrust.Registry;

/// <summary>Asks each source in turn and returns the first credential found.</summary>
internal sealed class ChainedCredentialSource : RegistryCredentialSource
{
    private readonly IReadOnlyList<RegistryCredentialSource> _sources;

    /// <summary>Creates the chain; an empty chain is anonymous.</summary>
    public ChainedCredentialSource(IReadOnlyList<RegistryCredentialSource> sources)
    {
        _sources = sources;
    }

    /// <inheritdoc />
    public override async ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken = default)
    {
        foreach (var source in _sources)
        {
            var credential = await source.GetCredentialAsync(registry, cancellationToken).ConfigureAwait(false);
            if (credential is not null)
            {
                return credential;
            }
        }

        return null;
    }
}
