using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Shared.Tests.Signing.Certificates;

public sealed class CertificateChainFromFlagsTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_LeafUnderPemRootsAndIntermediates_Passes()
    {
        var pki = TestPki.Create("legit");
        var material = TrustedMaterialFactory.FromPem(pki.Root.ExportCertificatePem(), pki.Intermediate.ExportCertificatePem(), null, null);

        var (result, issuer) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [], material.CertificateAuthorities, Start.AddMinutes(5));

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(pki.Intermediate.Subject, issuer!.Certificate.Subject);
    }

    [Fact]
    public void Verify_IntermediateShippedWithSignature_LinksToTrustedRoot()
    {
        var pki = TestPki.Create("legit");
        var material = TrustedMaterialFactory.FromPem(pki.Root.ExportCertificatePem(), null, null, null);

        var (without, _) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [], material.CertificateAuthorities, Start.AddMinutes(5));
        var (with, _) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [ParsedCertificate.From(pki.Intermediate)], material.CertificateAuthorities, Start.AddMinutes(5));

        Assert.False(without.Passed);
        Assert.True(with.Passed, with.Detail);
    }

    [Fact]
    public void Verify_AttackerChainWithOwnRoot_Fails()
    {
        var legit = TestPki.Create("legit");
        var attacker = TestPki.Create("legit");
        var material = TrustedMaterialFactory.FromPem(legit.Root.ExportCertificatePem(), legit.Intermediate.ExportCertificatePem(), null, null);

        var (result, _) = CertificateChainVerifier.Verify(
            ParsedCertificate.From(attacker.Leaf),
            [ParsedCertificate.From(attacker.Intermediate), ParsedCertificate.From(attacker.Root)],
            material.CertificateAuthorities,
            Start.AddMinutes(5));

        Assert.Equal("CERTIFICATE_UNTRUSTED", result.ReasonCode);
    }

    [Fact]
    public void Verify_IntermediateExpiredAtSigningTime_Fails()
    {
        var pki = TestPki.Create("legit", intermediateLifetime: TimeSpan.FromMinutes(3));
        var material = TrustedMaterialFactory.FromPem(pki.Root.ExportCertificatePem(), pki.Intermediate.ExportCertificatePem(), null, null);

        var (late, _) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [], material.CertificateAuthorities, Start.AddMinutes(5));
        var (early, _) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [], material.CertificateAuthorities, Start.AddMinutes(2));

        Assert.Equal("CERTIFICATE_UNTRUSTED", late.ReasonCode);
        Assert.True(early.Passed, early.Detail);
    }

    private sealed record TestPki(X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf)
    {
        public static TestPki Create(string name, TimeSpan? intermediateLifetime = null)
        {
            using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

            var rootRequest = new CertificateRequest($"CN={name}-root", rootKey, HashAlgorithmName.SHA384);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            var root = rootRequest.CreateSelfSigned(Start, Start.AddYears(10));

            var intermediateRequest = new CertificateRequest($"CN={name}-intermediate", intermediateKey, HashAlgorithmName.SHA384);
            intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var signingIntermediatePublic = intermediateRequest.Create(root, Start, Start.AddDays(365), [1]);
            using var signingIntermediate = signingIntermediatePublic.CopyWithPrivateKey(intermediateKey);

            // The trusted intermediate has the signing one's name and key, but possibly a shorter life.
            var intermediate = intermediateLifetime is { } lifetime ? intermediateRequest.Create(root, Start, Start + lifetime, [3]) : signingIntermediate;

            var leafRequest = new CertificateRequest($"CN={name}-leaf", leafKey, HashAlgorithmName.SHA256);
            leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateOids.CodeSigningUsage.Value)], false));
            var leaf = leafRequest.Create(signingIntermediate, Start, Start.AddMinutes(10), [2]);
            return new TestPki(root, intermediateLifetime is null ? X509CertificateLoader.LoadCertificate(signingIntermediate.RawData) : intermediate, leaf);
        }
    }
}
