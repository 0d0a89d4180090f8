using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>
/// A fake of the Sigstore checks: the tlog passes when the bundle's log id is "good" (else fails with TLOG_SET_INVALID);
/// the certificate passes when the leaf's email SAN and the configured issuer match the authority.
/// </summary>
internal sealed class FakeEvidenceVerifier : SigstoreEvidenceVerifier
{
    public string Issuer { get; set; } = "https://accounts.example.com";

    public List<TrustedMaterial> TlogTrusts { get; } = [];

    public DateTimeOffset? LastSigningTime { get; private set; }

    public override CheckResult VerifyTlog(Func<TrustedMaterial> trust, RekorBundle bundle, ReadOnlySpan<byte> signature, ReadOnlyMemory<byte> signer, bool signerIsCertificate, ReadOnlySpan<byte> payload)
    {
        TlogTrusts.Add(trust());
        return bundle.LogId == "good"
            ? CheckResult.Pass("tlog")
            : CheckResult.Fail("tlog", "TLOG_SET_INVALID", "the SET does not verify");
    }

    public override CertificateEvidence VerifyCertificate(IdentitySigner authority, LeafCertificate leaf, AnnotationValue? chainPem, DateTimeOffset signingTime, bool requireSct)
    {
        LastSigningTime = signingTime;
        var identity = leaf.Certificate.GetNameInfo(X509NameType.EmailName, false);
        var checks = new List<CheckResult>
        {
            chainPem?.ToString() == "untrusted" ? CheckResult.Fail("certificate-chain", "CERTIFICATE_UNTRUSTED", "no trusted root") : CheckResult.Pass("certificate-chain"),
            authority.Identity.SubjectAlternativeName.IsMatch(identity) ? CheckResult.Pass("identity") : CheckResult.Fail("identity", "IDENTITY_MISMATCH", identity),
            authority.Identity.Issuer.IsMatch(Issuer) ? CheckResult.Pass("issuer") : CheckResult.Fail("issuer", "ISSUER_MISMATCH", Issuer),
        };
        return new CertificateEvidence(checks, identity, Issuer);
    }
}
