using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Signing.Bundles;

/// <summary>
/// A parsed Sigstore bundle (v0.1–v0.3). Exactly one of <see cref="Certificate"/> and <see cref="PublicKeyHint"/> is
/// meaningful (a key-based bundle has no certificate), and exactly one of <see cref="MessageSignature"/> and
/// <see cref="Envelope"/> is set. Produced only by <see cref="SigstoreBundleParser"/>.
/// </summary>
internal sealed record SigstoreBundle(
    int MinorVersion,
    ParsedCertificate? Certificate,
    IReadOnlyList<ParsedCertificate> ChainCertificates,
    string? PublicKeyHint,
    MessageSignature? MessageSignature,
    DsseEnvelope? Envelope,
    IReadOnlyList<TransparencyLogEntry> TransparencyLogEntries,
    IReadOnlyList<byte[]> SignedTimestamps)
{
    /// <summary>The bytes the signature (and any timestamp) covers: the message signature, or the envelope's one signature.</summary>
    public byte[] SignatureBytes => MessageSignature?.Signature ?? Envelope!.Signatures[0].Signature;
}
