using System.Text;
using CsCheck;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Classic;

public sealed class SimpleSigningPayloadTests
{
    private const string Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Fact]
    public void TryParse_CosignPayload_ReadsClaims()
    {
        var json = $$$"""{"critical":{"identity":{"docker-reference":"example.com/app"},"image":{"docker-manifest-digest":"{{{Digest}}}"},"type":"cosign container image signature"},"optional":{"creator":"x"}}""";

        Assert.True(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error), error);
        Assert.Equal(Digest, payload.DockerManifestDigest);
        Assert.Equal("example.com/app", payload.DockerReference);
        Assert.Equal(CosignMediaTypes.SignatureType, payload.Type);
    }

    [Fact]
    public void TryParse_KeysInOtherCase_MatchedCaseInsensitively()
    {
        var json = $$$"""{"Critical":{"IDENTITY":{"Docker-Reference":null},"Image":{"Docker-Manifest-Digest":"{{{Digest}}}"},"Type":"cosign container image signature"}}""";

        Assert.True(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error), error);
        Assert.Equal(Digest, payload.DockerManifestDigest);
        Assert.Null(payload.DockerReference);
    }

    [Fact]
    public void TryParse_EscapedKeyName_Matched()
    {
        var json = $$$"""{"critical":{"image":{"docker-manifest-\u0064igest":"{{{Digest}}}"},"type":"cosign container image signature"}}""";

        Assert.True(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out _));
        Assert.Equal(Digest, payload.DockerManifestDigest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"critical\":{}}")]
    [InlineData("{\"critical\":{\"type\":\"cosign container image signature\"}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":1},\"type\":\"t\"}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\"}} trailing")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\"},\"CRITICAL\":{}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\",\"Docker-Manifest-Digest\":\"b\"},\"type\":\"t\"}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"TYPE\":\"u\"}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",}}")]
    public void TryParse_Invalid_False(string json)
    {
        Assert.False(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error));
        Assert.Null(payload);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("doc\\u212Aer-manifest-digest")] // KELVIN SIGN, escaped: Go folds it to k
    [InlineData("doc\u212Aer-manifest-digest")] // KELVIN SIGN, raw UTF-8
    [InlineData("docker-manife\u017Ft-digest")] // LONG S: Go folds it to s
    [InlineData("DOCKER-MANIFEST-DIGEST")]
    public void Check_DigestKeyRepeatedUnderGoFold_PayloadInvalid(string secondKey)
    {
        var other = ImageTrust.Model.Digest.Sha256Of("other"u8);
        var json = $$$"""{"critical":{"image":{"docker-manifest-digest":"{{{Digest}}}","{{{secondKey}}}":"{{{other}}}"},"type":"cosign container image signature"}}""";

        var check = PayloadClaimsStep.Check(Encoding.UTF8.GetBytes(json), Digest, out var claims);

        Assert.False(check.Passed);
        Assert.Equal(ClassicReasons.PayloadInvalid, check.ReasonCode);
        Assert.Contains("docker-manifest-digest", check.Detail, StringComparison.Ordinal);
        Assert.Null(claims);
    }

    [Fact]
    public void TryParse_KelvinSignKeyAlone_ReadAsGoReadsIt()
    {
        var json = $$$"""{"critical":{"image":{"doc\u212Aer-manifest-digest":"{{{Digest}}}"},"type":"cosign container image \u017Fignature"}}""";

        Assert.True(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error), error);
        Assert.Equal(Digest, payload.DockerManifestDigest);
    }

    [Theory]
    [InlineData("\u0130mage")] // U+0130: Go does not fold it to i, a naive upper(lower(r)) fold does
    [InlineData("\u0131mage")] // U+0131 likewise
    public void TryParse_DottedOrDotlessIKey_FalseAsAmbiguous(string key)
    {
        var json = $$$"""{"critical":{"image":{"docker-manifest-digest":"{{{Digest}}}"},"{{{key}}}":{"docker-manifest-digest":"x"},"type":"cosign container image signature"}}""";

        Assert.False(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains("'image'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\"},\"optional\":\"x\"}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"identity\":[]}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"identity\":{\"docker-reference\":1}}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\"},\"CRITICAL\":null}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"identity\":{\"docker-reference\":\"a\",\"doc\u212Aer-reference\":\"b\"}}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"identity\":{},\"Identity\":{}}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"identity\":{\"docker-reference\":\"a\",\"docker-reference\":\"b\"}}}")]
    [InlineData("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"a\"},\"type\":\"t\",\"x\\ud800\":1}}")]
    public void TryParse_GoWouldReadOrFailDifferently_False(string json)
    {
        Assert.False(SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out var error));
        Assert.Null(payload);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_ArbitraryBytes_NeverThrows()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            var ok = SimpleSigningPayload.TryParse(bytes, out var payload, out var error);
            return ok ? payload is not null && error.Length == 0 : payload is null && error.Length > 0;
        });
    }

    [Fact]
    public void TryParse_ArbitraryJsonish_AcceptsOnlyWithDigestAndType()
    {
        var tokens = Gen.OneOf<string>("{", "}", "[", "]", ",", ":", "\"critical\"", "\"image\"", "\"type\"", "\"identity\"", "\"docker-manifest-digest\"", "\"docker-reference\"", "\"x\"", "1", "null", "true");
        tokens.Array[0, 40].Select(parts => string.Concat(parts)).Sample(json =>
        {
            if (!SimpleSigningPayload.TryParse(Encoding.UTF8.GetBytes(json), out var payload, out _))
            {
                return true;
            }

            return payload.DockerManifestDigest is not null && payload.Type is not null;
        });
    }

    [Fact]
    public void Check_ReplayedDigest_DigestMismatch()
    {
        var json = $$$"""{"critical":{"image":{"docker-manifest-digest":"{{{Digest}}}"},"type":"cosign container image signature"}}""";
        var other = ImageTrust.Model.Digest.Sha256Of("other"u8);

        var check = PayloadClaimsStep.Check(Encoding.UTF8.GetBytes(json), other.ToString(), out _);

        Assert.False(check.Passed);
        Assert.Equal(ClassicReasons.DigestMismatch, check.ReasonCode);
        Assert.True(PayloadClaimsStep.Check(Encoding.UTF8.GetBytes(json), Digest, out _).Passed);
    }
}
