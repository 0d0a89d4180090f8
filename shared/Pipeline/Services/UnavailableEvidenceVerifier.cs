using System.Security.Cryptography.X509Certificates;
using ImageTrust.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Fails closed every transparency-log and keyless-certificate check, for builds without the trust-material evidence verifier:
/// key-based rules with <c>tlog: insecure-ignore</c> still verify; anything needing Rekor or Fulcio evidence fails with
/// <see cref="ReasonCode"/>, never passes.
/// </summary>
internal sealed class UnavailableEvidenceVerifier : SigstoreEvidenceVerifier
{
    /// <summary>The reason every check fails with.</summary>
    public const string ReasonCode = "TRUST_MATERIAL_UNAVAILABLE";

    /// <inheritdoc />
    public override CheckResult VerifyTlog(TrustMaterialSource? trust, RekorBundle bundle, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> signer, bool signerIsCertificate, ReadOnlySpan<byte> payload)
        => CheckResult.Fail("tlog", ReasonCode, "no transparency-log verifier in this build");

    /// <inheritdoc />
    public override CertificateEvidence VerifyCertificate(KeylessAuthority authority, X509Certificate2 leaf, string? chainPem, DateTimeOffset signingTime, bool requireSct)
        => new([CheckResult.Fail("certificate", ReasonCode, "no certificate verifier in this build")], null, null);
}
