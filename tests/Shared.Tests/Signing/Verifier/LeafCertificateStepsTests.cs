using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Verifier;
using ImageTrust.TestSupport.Fixtures;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

public sealed class LeafCertificateStepsTests
{
    private const string KeylessSignatureManifest = "sha256:9593753fe3bed058aa3c0a74ddef3da375ab0e3411298b0d396e0ca9c0391ec4";

    [Fact]
    public void Parse_FixtureLeaf_OneKeyVerifiesPayloadAndMatchesX509Certificate2()
    {
        var layer = FixtureLayer();
        var payload = Blob(layer.PayloadDigest.ToString());
        var signature = Convert.FromBase64String(layer.Signature!.ToString());

        var check = LeafCertificateSteps.Parse(layer.Certificate!, out var leaf);

        Assert.True(check.Passed, check.Detail);
        using (leaf)
        {
            using var reference = X509Certificate2.CreateFromPem(layer.Certificate!.ToString());
            Assert.Equal(reference.RawData, leaf!.Certificate.RawData);
            Assert.Equal(reference.PublicKey.ExportSubjectPublicKeyInfo(), leaf.Key.SubjectPublicKeyInfo.ToArray());
            Assert.NotNull(leaf.Parsed);
            Assert.Null(leaf.ParseError);
            Assert.True(leaf.Key.VerifyMessage(payload, signature));
            Assert.False(leaf.Key.VerifyMessage(payload.AsSpan(1), signature));

            // One key object serves the payload signature and the chain: the certificate's own.
            Assert.Same(leaf.Parsed.PublicKey, leaf.Key);
        }
    }

    [Theory]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")]
    public void Parse_NotACertificate_FailsCertificateInvalid(string pem)
    {
        var check = LeafCertificateSteps.Parse(AnnotationValue.FromText(pem), out var leaf);

        Assert.False(check.Passed);
        Assert.Equal(ClassicReasons.CertificateInvalid, check.ReasonCode);
        Assert.Null(leaf);
    }

    [Fact]
    public void Parse_TruncatedFixtureLeaf_FailsCertificateInvalid()
    {
        var pem = FixtureLayer().Certificate!.ToString();
        var der = X509Certificate2.CreateFromPem(pem).RawData;
        var truncated = PemEncodingText(der.AsSpan(0, der.Length - 10).ToArray());

        var check = LeafCertificateSteps.Parse(AnnotationValue.FromText(truncated), out var leaf);

        Assert.False(check.Passed);
        Assert.Equal(ClassicReasons.CertificateInvalid, check.ReasonCode);
        Assert.Null(leaf);
    }

    private static string PemEncodingText(byte[] der) => new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der));

    private static SignatureLayer FixtureLayer() => SignatureManifest.Parse(Blob(KeylessSignatureManifest)).Layers[0];

    private static byte[] Blob(string digest) =>
        File.ReadAllBytes(Path.Combine(FixturesDirectory.Find(), "registry", "blobs", "sha256", digest["sha256:".Length..]));
}
