using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Model;
using ImageTrust.Shared.Tests.Signing.Certificates;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

public sealed class CertificateVerifierTests
{
    private const string Case = "happy-path-v0.3";
    private const string Identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string Issuer = "https://token.actions.githubusercontent.com";

    [Fact]
    public void Verify_FulcioLeafAtIntegratedTime_Passes()
    {
        var (result, issuer) = CertificateChainVerifier.Verify(ConformanceMaterial.Leaf(Case), [], TrustedMaterial.PublicGood.CertificateAuthorities, ConformanceMaterial.IntegratedTime(Case));

        Assert.True(result.Passed, result.Detail);
        Assert.NotNull(issuer);
        Assert.Contains("sigstore-intermediate", issuer.Certificate.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FulcioLeafAfterExpiry_Fails()
    {
        var (result, _) = CertificateChainVerifier.Verify(ConformanceMaterial.Leaf(Case), [], TrustedMaterial.PublicGood.CertificateAuthorities, ConformanceMaterial.IntegratedTime(Case).AddHours(1));

        Assert.False(result.Passed);
        Assert.Equal("CERTIFICATE_NOT_VALID_AT_SIGNING_TIME", result.ReasonCode);
    }

    [Fact]
    public void Verify_UntrustedAuthority_Fails()
    {
        var staging = TrustedRootParser.Parse(File.ReadAllBytes(ConformanceMaterial.CasePath("rekor2-happy-path", "trusted_root.json")));

        var (result, _) = CertificateChainVerifier.Verify(ConformanceMaterial.Leaf(Case), [], staging.CertificateAuthorities, ConformanceMaterial.IntegratedTime(Case));

        Assert.False(result.Passed);
        Assert.Equal("CERTIFICATE_UNTRUSTED", result.ReasonCode);
    }

    [Fact]
    public void Verify_IdentityExactAndRegex_PassesAndWrongOnesFail()
    {
        var identity = FulcioIdentity.From(ConformanceMaterial.Leaf(Case));

        Assert.Equal(Issuer, identity.Issuer);
        Assert.True(IdentityVerifier.Verify(identity, new CertificateIdentity(StringMatcher.ExactValue(Identity), StringMatcher.ExactValue(Issuer))).Passed);
        Assert.True(IdentityVerifier.Verify(identity, new CertificateIdentity(StringMatcher.Regexp("^https://github.com/sigstore-conformance/.*$"), StringMatcher.Regexp("^https://token\\.actions\\."))).Passed);
        Assert.Equal("IDENTITY_MISMATCH", IdentityVerifier.Verify(identity, new CertificateIdentity(StringMatcher.ExactValue(Identity + "x"), StringMatcher.ExactValue(Issuer))).ReasonCode);
        Assert.Equal("ISSUER_MISMATCH", IdentityVerifier.Verify(identity, new CertificateIdentity(StringMatcher.ExactValue(Identity), StringMatcher.ExactValue("https://accounts.google.com"))).ReasonCode);
    }

    [Fact]
    public void Verify_EmbeddedSct_PassesWithTrustedLogAndFailsWithout()
    {
        var leaf = ConformanceMaterial.Leaf(Case);
        var (_, issuer) = CertificateChainVerifier.Verify(leaf, [], TrustedMaterial.PublicGood.CertificateAuthorities, ConformanceMaterial.IntegratedTime(Case));

        var trusted = SignedCertificateTimestampVerifier.Verify(leaf, issuer!, TrustedMaterial.PublicGood.CertificateTransparencyLogs);
        var untrusted = SignedCertificateTimestampVerifier.Verify(leaf, issuer!, []);

        Assert.True(trusted.Passed, trusted.Detail);
        Assert.False(untrusted.Passed);
    }

    [Fact]
    public void Verify_CodeSigningUsage_PassesForFulcioLeafAndFailsWithout()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=no-eku", key, HashAlgorithmName.SHA256);
        using var plain = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));

        Assert.True(ExtendedKeyUsageCheck.Verify(ConformanceMaterial.Leaf(Case), CertificateOids.CodeSigningUsage).Passed);
        Assert.False(ExtendedKeyUsageCheck.Verify(ParsedCertificate.From(plain), CertificateOids.CodeSigningUsage).Passed);
    }
}
