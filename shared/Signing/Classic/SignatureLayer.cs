using ImageTrust.Model;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>One simple-signing layer of a classic <c>sha256-…sig</c> manifest, with its annotations.</summary>
/// <param name="Index">The layer's position in the manifest (layers may share a digest: two signers, one payload).</param>
/// <param name="PayloadDigest">The digest of the payload blob.</param>
/// <param name="PayloadSize">The payload size the manifest declares.</param>
/// <param name="Signature">The base64 signature annotation, or null when absent.</param>
/// <param name="Certificate">The PEM leaf certificate, or null for a key-based signature (also when empty).</param>
/// <param name="Chain">The PEM chain, or null (also when empty).</param>
/// <param name="Bundle">The Rekor bundle JSON, or null when there is no tlog proof (also when empty).</param>
/// <param name="Rfc3161Timestamp">The RFC 3161 timestamp JSON, or null (also when empty).</param>
internal sealed record SignatureLayer(
    int Index,
    Digest PayloadDigest,
    long PayloadSize,
    AnnotationValue? Signature,
    AnnotationValue? Certificate,
    AnnotationValue? Chain,
    AnnotationValue? Bundle,
    AnnotationValue? Rfc3161Timestamp);
