using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Pipeline.Services;

/// <summary>A registry the test expects never to be asked (vulnerability findings need no registry).</summary>
internal sealed class UnusedRegistry : RegistryClient
{
    public override Task<Manifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default) => throw Unexpected();

    public override Task<byte[]> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken = default) => throw Unexpected();

    public override Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default) => throw Unexpected();

    public override Task<Manifest?> GetReferrersAsync(ImageReference repository, Digest subject, string? artifactType = null, CancellationToken cancellationToken = default) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("the registry was not expected to be asked");
}
