using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Shared.Tests.Signing.Certificates;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

public sealed class BundleVerifierTests
{
    private const string Identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string Issuer = "https://token.actions.githubusercontent.com";

    private static readonly CertificateIdentity ConformanceIdentity = new(StringMatcher.ExactValue(Identity), StringMatcher.ExactValue(Issuer));

    [Fact]
    public void Verify_PublicGoodV03Bundle_ReportsIdentityIndexAndTime()
    {
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, BundleVerifierOptions.Default, TimeProvider.System);
        var policy = BundleVerificationPolicy.ForIdentity(BundleArtifact.FromContent(ConformanceMaterial.DefaultArtifact()), ConformanceIdentity);

        var result = verifier.Verify(ConformanceMaterial.ParsedBundle("happy-path-v0.3"), policy);

        Assert.True(result.Verified, result.Reason);
        Assert.Equal(Identity, result.Identity);
        Assert.Equal(Issuer, result.Issuer);
        Assert.Equal(79571823, result.TlogIndex);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1710869186), result.IntegratedTime);
    }

    [Fact]
    public void Verify_BeforeTheLogIntegratedIt_FailsAsFuture()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1710869186 - 60));
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, BundleVerifierOptions.Default, clock);
        var policy = BundleVerificationPolicy.ForIdentity(BundleArtifact.FromContent(ConformanceMaterial.DefaultArtifact()), ConformanceIdentity);

        var result = verifier.Verify(ConformanceMaterial.ParsedBundle("happy-path-v0.3"), policy);

        Assert.False(result.Verified);
        Assert.Contains(result.Checks, check => check.ReasonCode == "INTEGRATED_TIME_IN_FUTURE");
    }

    [Fact]
    public void VerifyImageSignature_SlsaProvenanceBundle_FailsPredicateType()
    {
        var bundle = ConformanceMaterial.ParsedBundle("happy-path-intoto-in-dsse-v3");
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, BundleVerifierOptions.Default, TimeProvider.System);
        var digest = Digest.Sha256Of(ConformanceMaterial.DefaultArtifact());

        var result = verifier.VerifyImageSignature(bundle, digest, ConformanceIdentity, null);

        Assert.False(result.Verified);
        Assert.Equal("WRONG_PREDICATE_TYPE", result.Reason);
        Assert.Equal("https://slsa.dev/provenance/v1", result.Statement?.PredicateType);
    }

    [Fact]
    public void VerifyImageSignature_CosignSignV1Statement_PassesAndOtherDigestFails()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = Digest.Sha256Of(Encoding.UTF8.GetBytes("manifest"));
        var bundle = SigstoreBundleParser.Parse(KeyedDsseBundle(signer, BundleMediaTypes.CosignSignPredicateType, image.Hex));
        var key = PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem());
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, new BundleVerifierOptions(ignoreTransparencyLogUnsafe: true), TimeProvider.System);

        var good = verifier.VerifyImageSignature(bundle, image, null, key);
        var other = verifier.VerifyImageSignature(bundle, Digest.Sha256Of(Encoding.UTF8.GetBytes("other")), null, key);

        Assert.True(good.Verified, good.Reason);
        Assert.Equal(key.KeyIdHex, good.KeyId);
        Assert.False(other.Verified);
        Assert.Equal("SUBJECT_DIGEST_MISMATCH", other.Reason);
    }

    [Fact]
    public void Verify_KeyedBundleWithoutTlogByDefault_Fails()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = Digest.Sha256Of(Encoding.UTF8.GetBytes("manifest"));
        var bundle = SigstoreBundleParser.Parse(KeyedDsseBundle(signer, BundleMediaTypes.CosignSignPredicateType, image.Hex));
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, BundleVerifierOptions.Default, TimeProvider.System);

        var result = verifier.VerifyImageSignature(bundle, image, null, PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal("TLOG_ENTRY_MISSING", result.Reason);
    }

    [Fact]
    public void Verify_WrongKey_FailsSignature()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = Digest.Sha256Of(Encoding.UTF8.GetBytes("manifest"));
        var bundle = SigstoreBundleParser.Parse(KeyedDsseBundle(signer, BundleMediaTypes.CosignSignPredicateType, image.Hex));
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, new BundleVerifierOptions(ignoreTransparencyLogUnsafe: true), TimeProvider.System);

        var result = verifier.VerifyImageSignature(bundle, image, null, PublicKeyParser.ParsePem(other.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal("SIGNATURE_INVALID", result.Reason);
    }

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.4","verificationMaterial":{"publicKey":{}},"messageSignature":{"signature":"AA=="}}""")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{},"messageSignature":{"signature":"AA=="}}""")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}}}""")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},"dsseEnvelope":{"payloadType":"t","payload":"AA==","signatures":[{"sig":"AA=="},{"sig":"AQ=="}]}}""")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{},"tlogEntries":[{"logIndex":"-1"}]},"messageSignature":{"signature":"AA=="}}""")]
    public void Parse_InvalidBundle_Throws(string json)
    {
        Assert.Throws<FormatException>(() => SigstoreBundleParser.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Parse_TlogEntryWithoutLogIndex_ParsesAsIndexZero()
    {
        // protobuf-JSON leaves out int64 fields equal to 0, so index 0 of a log has no logIndex at all.
        var root = JsonNode.Parse(File.ReadAllBytes(ConformanceMaterial.CasePath("happy-path-v0.3", "bundle.sigstore.json")))!;
        var entry = root["verificationMaterial"]!["tlogEntries"]![0]!.AsObject();
        entry.Remove("logIndex");
        entry["inclusionProof"]!.AsObject().Remove("logIndex");

        var bundle = SigstoreBundleParser.Parse(Encoding.UTF8.GetBytes(root.ToJsonString()));

        var parsed = Assert.Single(bundle.TransparencyLogEntries);
        Assert.Equal(0, parsed.LogIndex);
        Assert.Equal(0, parsed.InclusionProof!.LogIndex);

        // The default index is still bound by the SET and the inclusion proof, so this altered entry cannot verify.
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, BundleVerifierOptions.Default, TimeProvider.System);
        var policy = BundleVerificationPolicy.ForIdentity(BundleArtifact.FromContent(ConformanceMaterial.DefaultArtifact()), ConformanceIdentity);
        var result = verifier.Verify(bundle, policy);
        Assert.False(result.Verified);
        Assert.Contains(result.Checks, check => check.ReasonCode == "SET_INVALID");
        Assert.Contains(result.Checks, check => check.ReasonCode == "INCLUSION_PROOF_INVALID");
    }

    [Theory]
    [InlineData("\"-1\"")]
    [InlineData("-1")]
    [InlineData("\"1.5\"")]
    [InlineData("1.5")]
    [InlineData("\"\"")]
    [InlineData("true")]
    public void Parse_TlogEntryWithBadLogIndex_ThrowsNamingLogIndex(string logIndex)
    {
        var json = $$$"""
            {"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{},"tlogEntries":[
              {"logIndex":{{{logIndex}}},"logId":{"keyId":"AA=="},"kindVersion":{"kind":"hashedrekord","version":"0.0.1"},"canonicalizedBody":"AA=="}]},
             "messageSignature":{"signature":"AA=="}}
            """;

        var error = Assert.Throws<FormatException>(() => SigstoreBundleParser.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("logIndex", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TlogEntryWithoutIntegratedTime_HasNoTimeAndSetFails()
    {
        var root = JsonNode.Parse(File.ReadAllBytes(ConformanceMaterial.CasePath("happy-path-v0.3", "bundle.sigstore.json")))!;
        root["verificationMaterial"]!["tlogEntries"]![0]!.AsObject().Remove("integratedTime");

        var bundle = SigstoreBundleParser.Parse(Encoding.UTF8.GetBytes(root.ToJsonString()));

        Assert.Null(Assert.Single(bundle.TransparencyLogEntries).IntegratedTime);
        var verifier = new BundleVerifier(TrustedMaterial.PublicGood, BundleVerifierOptions.Default, TimeProvider.System);
        var policy = BundleVerificationPolicy.ForIdentity(BundleArtifact.FromContent(ConformanceMaterial.DefaultArtifact()), ConformanceIdentity);
        var result = verifier.Verify(bundle, policy);
        Assert.False(result.Verified);
        Assert.Contains(result.Checks, check => check.ReasonCode == "SET_MISSING");
    }

    [Fact]
    public void Constructor_ThresholdBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BundleVerifierOptions(transparencyLogThreshold: 0));
    }

    [Fact]
    public void Run_BothKeyAndIdentity_IsConfigurationError()
    {
        var bundle = ConformanceMaterial.CasePath("happy-path-v0.3", "bundle.sigstore.json");

        Assert.Throws<ConfigurationException>(() => BundleFileVerification.Run(bundle, "sha256:" + new string('0', 64), Identity, Issuer, "key.pub", null));
        Assert.Throws<ConfigurationException>(() => BundleFileVerification.Run(bundle, "sha256:00", Identity, Issuer, null, null));
    }

    private static byte[] KeyedDsseBundle(ECDsa signer, string predicateType, string subjectHex)
    {
        var statement = Encoding.UTF8.GetBytes(
            $$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"image","digest":{"sha256":"{{{subjectHex}}}"}}],"predicateType":"{{{predicateType}}}","predicate":{}}""");
        var signature = signer.SignData(PreAuthenticationEncoder.Encode(DsseEnvelope.InTotoPayloadType, statement), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return Encoding.UTF8.GetBytes(
            $$$"""
            {"mediaType":"{{{BundleMediaTypes.V03}}}","verificationMaterial":{"publicKey":{"hint":"k"},"tlogEntries":[]},
             "dsseEnvelope":{"payloadType":"{{{DsseEnvelope.InTotoPayloadType}}}","payload":"{{{Convert.ToBase64String(statement)}}}","signatures":[{"sig":"{{{Convert.ToBase64String(signature)}}}"}]}}
            """);
    }
}
