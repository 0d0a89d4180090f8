using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>A credential source that returns one credential for every registry.</summary>
internal sealed class FixedCredentialSource : RegistryCredentialSource
{
    private readonly RegistryCredential _credential;

    public FixedCredentialSource(RegistryCredential credential)
    {
        _credential = credential;
    }

    public override ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<RegistryCredential?>(_credential);
}
