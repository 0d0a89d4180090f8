using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>A hand-written in-memory registry for pure engine logic: manifests by tag or digest, blobs, request counting.</summary>
internal sealed class InMemoryRegistryClient : RegistryClient
{
    private readonly Dictionary<string, Manifest> _manifests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Manifest> _referrers = new(StringComparer.Ordinal);

    public List<string> Requests { get; } = [];

    public bool SupportsReferrers { get; set; }

    public Func<string, Exception?> Fault { get; set; } = _ => null;

    /// <summary>Awaited before every answer (a slow registry); null answers at once.</summary>
    public Func<string, CancellationToken, Task>? Gate { get; set; }

    public Digest PutManifest(string repositoryName, string? tag, string json, string mediaType = OciMediaTypes.OciManifest)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var manifest = new Manifest(Digest.Sha256Of(bytes), mediaType, bytes);
        _manifests[$"{repositoryName}@{manifest.Digest}"] = manifest;
        if (tag is not null)
        {
            _manifests[$"{repositoryName}:{tag}"] = manifest;
        }

        return manifest.Digest;
    }

    public Digest PutBlob(string repositoryName, byte[] content)
    {
        var digest = Digest.Sha256Of(content);
        _blobs[$"{repositoryName}@{digest}"] = content;
        return digest;
    }

    public void PutReferrers(string repositoryName, Digest subject, string indexJson)
    {
        var bytes = Encoding.UTF8.GetBytes(indexJson);
        _referrers[$"{repositoryName}@{subject}"] = new Manifest(Digest.Sha256Of(bytes), OciMediaTypes.OciIndex, bytes);
    }

    public override async Task<Manifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        var key = reference.Digest is { } digest ? $"{reference.RepositoryName}@{digest}" : $"{reference.RepositoryName}:{reference.Tag ?? "latest"}";
        await RecordAsync("manifest " + key, cancellationToken);
        return _manifests.TryGetValue(key, out var manifest) ? manifest : throw new RegistryNotFoundException(key);
    }

    public override async Task<byte[]> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken = default)
    {
        var key = $"{repository.RepositoryName}@{digest}";
        await RecordAsync("blob " + key, cancellationToken);
        if (!_blobs.TryGetValue(key, out var blob))
        {
            throw new RegistryNotFoundException(key);
        }

        if (blob.Length > maxBytes)
        {
            throw new RegistryProtocolException("TOO_LARGE", $"blob {key} is larger than {maxBytes} bytes");
        }

        return digest.Matches(blob) ? blob : throw new RegistryProtocolException("DIGEST_MISMATCH", $"blob {key} does not match its digest");
    }

    public override Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public override async Task<Manifest?> GetReferrersAsync(ImageReference repository, Digest subject, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        var key = $"{repository.RepositoryName}@{subject}";
        await RecordAsync("referrers " + key, cancellationToken);
        if (!SupportsReferrers)
        {
            return null;
        }

        return _referrers.TryGetValue(key, out var index)
            ? index
            : new Manifest(Digest.Sha256Of("{\"manifests\":[]}"u8), OciMediaTypes.OciIndex, Encoding.UTF8.GetBytes("{\"manifests\":[]}"));
    }

    /// <summary>Replaces a stored blob's bytes without changing its digest key (a registry serving tampered content).</summary>
    public void TamperBlob(string repositoryName, Digest digest, byte[] content) => _blobs[$"{repositoryName}@{digest}"] = content;

    private async Task RecordAsync(string request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        if (Gate is { } gate)
        {
            await gate(request, cancellationToken);
        }

        if (Fault(request) is { } exception)
        {
            throw exception;
        }
    }
}
