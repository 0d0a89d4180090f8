using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Cli;
using ImageTrust.Policy;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

/// <summary>
/// Identity and issuer regexps anchored with <c>$</c> must not accept a value with a trailing newline: Go's <c>$</c> is the
/// end of text, .NET's also matches before a final <c>\n</c> (issue 10, defect 3). Checked where identities are matched,
/// with matchers built as the policy loader and the CLI flags build them.
/// </summary>
public sealed class IdentityRegexpTests
{
    private const string IdentityRegexp = @"^dev@example\.com$";
    private const string IssuerRegexp = @"^https://accounts\.google\.com$";

    [Fact]
    public void Verify_PolicyRegexps_CleanCertificatePasses()
    {
        var identity = FulcioIdentity.From(Certificate("dev@example.com", "https://accounts.google.com"));

        var result = IdentityVerifier.Verify(identity, FromPolicy());

        Assert.True(result.Passed, result.Detail);
    }

    [Fact]
    public void Verify_PolicyRegexps_SanWithTrailingNewline_IdentityMismatch()
    {
        var identity = FulcioIdentity.From(Certificate("dev@example.com\n", "https://accounts.google.com"));

        var result = IdentityVerifier.Verify(identity, FromPolicy());

        Assert.False(result.Passed);
        Assert.Equal("IDENTITY_MISMATCH", result.ReasonCode);
    }

    [Fact]
    public void Verify_PolicyRegexps_IssuerWithTrailingNewline_IssuerMismatch()
    {
        var identity = FulcioIdentity.From(Certificate("dev@example.com", "https://accounts.google.com\n"));

        var result = IdentityVerifier.Verify(identity, FromPolicy());

        Assert.False(result.Passed);
        Assert.Equal("ISSUER_MISMATCH", result.ReasonCode);
    }

    [Theory]
    [InlineData("dev@example.com\n", "https://accounts.google.com", "IDENTITY_MISMATCH")]
    [InlineData("dev@example.com", "https://accounts.google.com\n", "ISSUER_MISMATCH")]
    public void Verify_FlagRegexps_TrailingNewline_Mismatch(string san, string issuer, string reason)
    {
        var flags = new SignerFlags(null, null, IdentityRegexp, null, IssuerRegexp, null, null, null, null, false, false);
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, _ => null, Path.GetTempPath());
        var authority = Assert.IsType<KeylessAuthority>(flags.BuildAuthority(console));

        var result = IdentityVerifier.Verify(FulcioIdentity.From(Certificate(san, issuer)), new CertificateIdentity(authority.Identity, authority.Issuer));

        Assert.Equal(reason, result.ReasonCode);
    }

    private static CertificateIdentity FromPolicy()
    {
        var yaml = $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: r
                scope: ['a.io/**']
                authorities:
                  - keyless:
                      identityRegexp: '{IdentityRegexp}'
                      issuerRegexp: '{IssuerRegexp}'
            """;
        var authority = Assert.IsType<KeylessAuthority>(Assert.Single(Assert.Single(TrustPolicyLoader.Parse(yaml, "policy.yaml", Path.GetTempPath()).Rules).Authorities));
        return new CertificateIdentity(authority.Identity, authority.Issuer);
    }

    private static ParsedCertificate Certificate(string email, string issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sigstore", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddEmailAddress(email);
        request.CertificateExtensions.Add(names.Build(critical: true));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, issuer);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.8", writer.Encode(), critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
        return ParsedCertificate.From(certificate);
    }
}
