using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// An OCI distribution-spec v2 client. Every body read is bounded and every digest-addressed fetch is checked against its content.
/// Errors: <see cref="RegistryNotFoundException"/> for 404 (never retried), <see cref="TransientFailureException"/> when the
/// registry is unreachable or keeps answering 429/5xx, <see cref="RegistryProtocolException"/> for oversized or mismatched content
/// and refused credentials (401/403).
/// </summary>
internal abstract class RegistryClient
{
    /// <summary>Gets a manifest or index by the reference's digest, or by its tag when it has none.</summary>
    public abstract Task<Manifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default);

    /// <summary>Gets a blob of at most <paramref name="maxBytes"/> from <paramref name="repository"/> (the reference's repository; tag and digest ignored).</summary>
    public abstract Task<byte[]> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>Lists the repository's tags (following pagination, bounded).</summary>
    public abstract Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets the OCI 1.1 referrers index for <paramref name="subject"/>, optionally filtered by artifact type;
    /// null when the registry has no referrers API (404), so the caller falls back to the <c>sha256-…</c> tag.
    /// </summary>
    public abstract Task<Manifest?> GetReferrersAsync(ImageReference repository, Digest subject, string? artifactType = null, CancellationToken cancellationToken = default);
}
