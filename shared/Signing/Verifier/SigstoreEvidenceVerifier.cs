using ImageTrust.Signing.Json;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// The Sigstore checks a classic signature needs beyond its own signature: the Rekor SET and entry match, and the keyless
/// certificate (chain at signing time, codeSigning EKU, SCT, identity, issuer). Implemented over the Sigstore trust material
/// (see <see cref="TrustedMaterialEvidenceVerifier"/>); tests substitute a fake.
/// </summary>
internal abstract class SigstoreEvidenceVerifier
{
    /// <summary>
    /// Verifies <paramref name="bundle"/>'s SET with the Rekor keys of <paramref name="trust"/> and that its entry body
    /// records <paramref name="signature"/>, the signer and the SHA-256 of <paramref name="payload"/>.
    /// </summary>
    /// <param name="trust">Loads the signer's trust material.</param>
    /// <param name="bundle">The parsed bundle annotation.</param>
    /// <param name="signature">The raw signature bytes.</param>
    /// <param name="signer">The signer: a DER public key (key-based) or the DER leaf certificate (keyless).</param>
    /// <param name="signerIsCertificate">Whether <paramref name="signer"/> is a certificate.</param>
    /// <param name="payload">The signed payload bytes.</param>
    /// <returns>A <c>tlog</c> check result (never null).</returns>
    public abstract CheckResult VerifyTlog(
        Func<TrustedMaterial> trust,
        RekorBundle bundle,
        ReadOnlySpan<byte> signature,
        ReadOnlyMemory<byte> signer,
        bool signerIsCertificate,
        ReadOnlySpan<byte> payload);

    /// <summary>
    /// Verifies a keyless leaf against <paramref name="signer"/>: the chain (leaf, <paramref name="chainPem"/> intermediates)
    /// to a trusted root with every certificate valid at <paramref name="signingTime"/>, the codeSigning EKU, an SCT when
    /// <paramref name="requireSct"/>, and the identity (any SAN) and issuer (OID .1.8, else .1.1) matchers.
    /// </summary>
    /// <returns>The checks in order, and the identity and issuer found (null when absent).</returns>
    public abstract CertificateEvidence VerifyCertificate(
        IdentitySigner signer,
        LeafCertificate leaf,
        AnnotationValue? chainPem,
        DateTimeOffset signingTime,
        bool requireSct);
}
