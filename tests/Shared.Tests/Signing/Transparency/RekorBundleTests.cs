using System.Text;
using CsCheck;
using ImageTrust.Shared.Tests.Signing.Classic;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Shared.Tests.Signing.Transparency;

public sealed class RekorBundleTests
{
    [Fact]
    public void TryParse_CosignBundle_ReadsFields()
    {
        const string json = """{"SignedEntryTimestamp":"AQID","Payload":{"body":"e30=","integratedTime":1700000000,"logIndex":7,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"}}""";

        Assert.True(RekorBundle.TryParse(json, out var bundle, out var error), error);
        Assert.Equal([1, 2, 3], bundle.SignedEntryTimestamp);
        Assert.Equal("e30="u8.ToArray(), bundle.Body.ToArray());
        Assert.Equal(7, bundle.LogIndex);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), bundle.IntegratedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"SignedEntryTimestamp\":\"AQID\"}")]
    [InlineData("{\"SignedEntryTimestamp\":\"not base64!\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":1,\"logIndex\":1,\"logID\":\"x\"}}")]
    [InlineData("{\"SignedEntryTimestamp\":\"AQID\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":-1,\"logIndex\":1,\"logID\":\"x\"}}")]
    [InlineData("{\"SignedEntryTimestamp\":\"AQID\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":\"1\",\"logIndex\":1,\"logID\":\"x\"}}")]
    public void TryParse_Malformed_False(string json)
    {
        Assert.False(RekorBundle.TryParse(json, out var bundle, out var error));
        Assert.Null(bundle);
        Assert.NotEmpty(error);
    }

    // cosign decodes the annotation with Go's encoding/json: "payload" is Payload too, and the last one wins.
    [Theory]
    [InlineData("""{"SignedEntryTimestamp":"AQID","Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"x"},"payload":{"body":"W10=","integratedTime":2,"logIndex":2,"logID":"y"}}""", "'Payload' appears more than once")]
    [InlineData("""{"SignedEntryTimestamp":"AQID","\u017FignedEntryTimestamp":"AQI=","Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"x"}}""", "'SignedEntryTimestamp' appears more than once")]
    [InlineData("""{"SignedEntryTimestamp":"AQID","Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"x","LogId":"y"}}""", "'logID' appears more than once")]
    [InlineData("""{"SignedEntryTimestamp":"AQID","Payload":{"body":"e30=","integratedTime":1,"\u0130ntegratedTime":2,"logIndex":1,"logID":"x"}}""", "'integratedTime' that cosign's readers do not agree on")]
    public void TryParse_FieldNamedTwice_False(string json, string message)
    {
        Assert.False(RekorBundle.TryParse(json, out var bundle, out var error));
        Assert.Null(bundle);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains(message, JsonDocumentRekorBundleOracle.Describe(json), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_GoFoldedNames_ReadAsGoReadsThem()
    {
        const string json = """{"signedEntryTimestamp":"AQID","PAYLOAD":{"Body":"e30=","integratedtime":5,"LOGINDEX":7,"logid":"ab"}}""";

        Assert.True(RekorBundle.TryParse(json, out var bundle, out var error), error);
        Assert.Equal(5, bundle.IntegratedTime);
        Assert.Equal(7, bundle.LogIndex);
        Assert.Equal("ab", bundle.LogId);
    }

    [Fact]
    public void TryParse_ArbitraryBundles_SameAsJsonDocumentReading()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var payload = random.Next(10) == 0
                ? JsonFragments.Pick(random, "1", "\"x\"", "[]", "null")
                : JsonFragments.Object(random, [
                    ("body", JsonFragments.String(random, "eyJraW5kIjoiaGFzaGVkcmVrb3JkIn0=")),
                    ("integratedTime", JsonFragments.Pick(random, "1700000000", "-1", "1.5", "\"1\"", "99999999999999999999", "253402300800")),
                    ("logIndex", JsonFragments.Pick(random, "7", "-1", "null")),
                    ("logID", JsonFragments.String(random, "c0d23d6ad406973f")),
                ]);
            var json = JsonFragments.Object(random, [
                ("SignedEntryTimestamp", JsonFragments.String(random, JsonFragments.Pick(random, "AQID", "AQI=", "not base64!", "AQ ID"))),
                ("Payload", payload),
            ]);

            // Through the manifest, as the verifier reads it: the bundle is a JSON string inside the manifest.
            var text = Encoding.UTF8.GetString(JsonFragments.Bytes(random, json));
            var parsed = RekorBundle.TryParse(text, out var bundle, out var error);

            Assert.Equal(JsonFragments.Outcome(JsonDocumentRekorBundleOracle.Describe(text)), JsonFragments.Outcome(JsonDocumentRekorBundleOracle.Describe(parsed, bundle, error)));
        }, iter: 20_000);
    }

    [Fact]
    public void TryRentDecodedBody_NotBase64_False()
    {
        var bundle = new RekorBundle([1], "e30*"u8.ToArray(), 1, 1, "00");

        Assert.False(bundle.TryRentDecodedBody(out var buffer, out _));
        Assert.Null(buffer);
    }

    [Fact]
    public void TryRentDecodedBody_Base64WithWhitespace_DecodesAsConvert()
    {
        var bundle = new RekorBundle([1], "e3\n0="u8.ToArray(), 1, 1, "00");

        Assert.True(bundle.TryRentDecodedBody(out var buffer, out var length));
        Assert.Equal(Convert.FromBase64String("e3\n0="), buffer.AsSpan(0, length).ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }
}
