using ImageTrust.Signing.Dsse;

namespace ImageTrust.Signing.Transparency;

/// <summary>What a log entry's body must record: our signature, our certificate or key, and our artifact digest or envelope.</summary>
/// <param name="Signature">The signature bytes (the message signature, or the DSSE envelope's one signature).</param>
/// <param name="CertificateDer">The signing certificate's DER, or null for key-based signatures.</param>
/// <param name="PublicKeySpki">The signing key's DER SPKI, or null for certificate-based signatures.</param>
/// <param name="ArtifactSha256">The SHA-256 of the signed artifact (message signatures), or null.</param>
/// <param name="Envelope">The DSSE envelope (attestations), or null.</param>
internal sealed record ExpectedLogContent(byte[] Signature, byte[]? CertificateDer, byte[]? PublicKeySpki, byte[]? ArtifactSha256, DsseEnvelope? Envelope);
