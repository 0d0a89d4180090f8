using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

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

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Verify_LeafWithUnprocessedExtension_FailsOnlyWhenCritical(bool critical, bool passes)
    {
        var pki = TestPki.Create("legit", leafExtra: new X509Extension("1.2.3.4.5", [0x05, 0x00], critical));
        var material = TrustedMaterialFactory.FromPem(pki.Root.ExportCertificatePem(), pki.Intermediate.ExportCertificatePem(), null, null);

        var (result, _) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [], material.CertificateAuthorities, Start.AddMinutes(5));

        Assert.Equal(passes, result.Passed);
        if (!passes)
        {
            Assert.Equal("CERTIFICATE_UNHANDLED_CRITICAL_EXTENSION", result.ReasonCode);
            Assert.Contains("1.2.3.4.5", result.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_IntermediateWithCriticalNameConstraints_FailsAsNotEnforced()
    {
        // nameConstraints (2.5.29.30) with one permitted DNS subtree; we do not enforce name constraints, so we refuse.
        byte[] nameConstraints = [0x30, 0x0F, 0xA0, 0x0D, 0x30, 0x0B, 0x82, 0x09, .. "a.example"u8];
        var pki = TestPki.Create("legit", intermediateExtra: new X509Extension("2.5.29.30", nameConstraints, true));
        var material = TrustedMaterialFactory.FromPem(pki.Root.ExportCertificatePem(), pki.Intermediate.ExportCertificatePem(), null, null);

        var (result, _) = CertificateChainVerifier.Verify(ParsedCertificate.From(pki.Leaf), [], material.CertificateAuthorities, Start.AddMinutes(5));

        Assert.Equal("CERTIFICATE_UNTRUSTED", result.ReasonCode);
        Assert.Contains("critical extension 2.5.29.30 is not processed", result.Detail, StringComparison.Ordinal);
        Assert.Equal("2.5.29.30", ParsedCertificate.From(pki.Intermediate).UnhandledCriticalExtension);
    }

    private sealed record TestPki(X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf)
    {
        public static TestPki Create(string name, TimeSpan? intermediateLifetime = null, X509Extension? leafExtra = null, X509Extension? intermediateExtra = null)
        {
            using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

            var rootRequest = new CertificateRequest($"CN={name}-root", rootKey, HashAlgorithmName.SHA384);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            var root = rootRequest.CreateSelfSigned(Start, Start.AddYears(10));

            var intermediateRequest = new CertificateRequest($"CN={name}-intermediate", intermediateKey, HashAlgorithmName.SHA384);
            intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            if (intermediateExtra is not null)
            {
                intermediateRequest.CertificateExtensions.Add(intermediateExtra);
            }

            using var signingIntermediatePublic = intermediateRequest.Create(root, Start, Start.AddDays(365), [1]);
            using var signingIntermediate = signingIntermediatePublic.CopyWithPrivateKey(intermediateKey);

            // The trusted intermediate has the signing one's name and key, but possibly a shorter life.
            var intermediate = intermediateLifetime is { } lifetime ? intermediateRequest.Create(root, Start, Start + lifetime, [3]) : signingIntermediate;

            var leafRequest = new CertificateRequest($"CN={name}-leaf", leafKey, HashAlgorithmName.SHA256);
            leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateOids.CodeSigningUsage.Value)], false));
            if (leafExtra is not null)
            {
                leafRequest.CertificateExtensions.Add(leafExtra);
            }

            var leaf = leafRequest.Create(signingIntermediate, Start, Start.AddMinutes(10), [2]);
            return new TestPki(root, intermediateLifetime is null ? X509CertificateLoader.LoadCertificate(signingIntermediate.RawData) : intermediate, leaf);
        }
    }
}
