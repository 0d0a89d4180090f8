using System.Text;
using CsCheck;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Signing.Classic;

public sealed class SignatureManifestTests
{
    private const string Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private const string OtherDigest = "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

    [Fact]
    public void Parse_CosignManifest_ReadsLayersAndAnnotations()
    {
        var json = $$$"""
        {"schemaVersion":2,"layers":[
          {"mediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{Digest}}}","size":3,"annotations":{"dev.cosignproject.cosign/signature":"MEUC","dev.sigstore.cosign/bundle":"{}","dev.sigstore.cosign/certificate":""}},
          {"mediaType":"application/octet-stream","digest":"{{{Digest}}}","size":3},
          {"mediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{Digest}}}","size":3,"annotations":{"dev.cosignproject.cosign/signature":"MEYC"}}
        ]}
        """;

        var manifest = SignatureManifest.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(2, manifest.Layers.Count);
        Assert.Equal(1, manifest.IgnoredLayers);
        Assert.Equal("MEUC", manifest.Layers[0].Signature?.ToString());
        Assert.Equal("{}", manifest.Layers[0].Bundle?.ToString());
        Assert.Null(manifest.Layers[0].Certificate);
        Assert.Equal(2, manifest.Layers[1].Index);
        Assert.Equal(manifest.Layers[0].PayloadDigest, manifest.Layers[1].PayloadDigest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"layers\":{}}")]
    [InlineData("{\"layers\":[1]}")]
    [InlineData("{\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"\\ud800\",\"size\":1}]}")]
    [InlineData("{\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"" + Digest + "\",\"size\":\"1\"}]}")]
    [InlineData("{\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"sha256:abc\",\"size\":1}]}")]
    [InlineData("{\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"" + Digest + "\"}]}")]
    public void Parse_Malformed_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => SignatureManifest.Parse(Encoding.UTF8.GetBytes(json)));
    }

    // go-containerregistry (cosign) reads the manifest with Go's encoding/json: "Digest" or "\u212A"-spelled keys name the
    // same field and the last wins, so a second spelling could make cosign fetch another payload than ImageTrust.
    [Theory]
    [InlineData("\"digest\":\"" + Digest + "\",\"Digest\":\"" + OtherDigest + "\"", "'digest' appears more than once")]
    [InlineData("\"digest\":\"" + Digest + "\",\"\\u0064igest\":\"" + OtherDigest + "\"", "'digest' appears more than once")]
    [InlineData("\"digest\":\"" + Digest + "\",\"\u017Fize\":2", "'size' appears more than once")]
    [InlineData("\"digest\":\"" + Digest + "\",\"annotations\":{},\"Annotations\":{}", "'annotations' appears more than once")]
    [InlineData("\"digest\":\"" + Digest + "\",\"d\u0130gest\":\"x\"", "'digest' that cosign's readers do not agree on")]
    [InlineData("\"digest\":\"" + Digest + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUC\",\"dev.cosignproject.cosign/signature\":\"MEYC\"}", "repeats annotation")]
    [InlineData("\"digest\":\"" + Digest + "\",\"annotations\":{\"other\":1}", "not a string")]
    public void Parse_LayerFieldNamedTwice_FormatException(string fields, string message)
    {
        var json = "{\"layers\":[{\"mediaType\":\"" + CosignMediaTypes.SimpleSigning + "\",\"size\":1," + fields + "}]}";

        var error = Assert.Throws<FormatException>(() => SignatureManifest.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, JsonDocumentManifestOracle.Describe(Encoding.UTF8.GetBytes(json)), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GoFoldedFieldNames_ReadAsGoReadsThem()
    {
        var json = $$$"""{"LAYERS":[{"MediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{Digest}}}","\u017Fize":3,"annotations":{"dev.cosignproject.cosign/signature":"MEUC","Dev.cosignproject.cosign/signature":"MEYC"}}]}""";

        var layer = Assert.Single(SignatureManifest.Parse(Encoding.UTF8.GetBytes(json)).Layers);

        Assert.Equal(3, layer.PayloadSize);
        Assert.Equal("MEUC", layer.Signature?.ToString());
    }

    [Fact]
    public void Parse_ArbitraryBytes_OnlyFormatException()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            try
            {
                SignatureManifest.Parse(bytes);
            }
            catch (FormatException)
            {
            }
        });
    }

    [Fact]
    public void Parse_ArbitraryManifests_SameAsJsonDocumentReading()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var content = JsonFragments.Bytes(random, Manifest(random));
            string actual;
            try
            {
                actual = JsonDocumentManifestOracle.Describe(SignatureManifest.Parse(content));
            }
            catch (FormatException e)
            {
                actual = "error:" + e.Message;
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(Encoding.UTF8.GetString(content), e);
            }

            Assert.Equal(JsonFragments.Outcome(JsonDocumentManifestOracle.Describe(content)), JsonFragments.Outcome(actual));
        }, iter: 20_000);
    }

    [Fact]
    public void Parse_AnnotationWithEscapes_DecodesAsJson()
    {
        var json = $$$"""{"layers":[{"mediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{Digest}}}","size":1,"annotations":{"dev.sigstore.cosign/certificate":"-----BEGIN\n\u00e9\/","dev.cosignproject.cosign/signature":""}}]}""";

        var layer = SignatureManifest.Parse(Encoding.UTF8.GetBytes(json)).Layers[0];

        Assert.Equal("-----BEGIN\né/", layer.Certificate?.ToString());
        Assert.Equal("", layer.Signature?.ToString());
        Assert.True(layer.Signature!.IsEmpty);
        var decoded = new byte[layer.Certificate!.MaxByteCount];
        Assert.Equal(Encoding.UTF8.GetBytes("-----BEGIN\né/"), decoded.AsSpan(0, layer.Certificate.CopyTo(decoded)).ToArray());
    }

    [Fact]
    public void Parse_InvalidUtf8InAnnotation_ThrowsFormatException()
    {
        var prefix = Encoding.UTF8.GetBytes($$$"""{"layers":[{"mediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{Digest}}}","size":1,"annotations":{"dev.sigstore.cosign/bundle":"a""");
        byte[] content = [.. prefix, 0xC3, .. "\"}}]}"u8];

        var error = Assert.Throws<FormatException>(() => SignatureManifest.Parse(content));

        Assert.StartsWith("signature manifest has an invalid string", error.Message, StringComparison.Ordinal);
    }

    private static string Manifest(Random random)
    {
        if (random.Next(20) == 0)
        {
            return JsonFragments.Pick(random, "[]", "1", "\"x\"", "{\"layers\":{}}");
        }

        var layers = new List<string>();
        for (var i = random.Next(5); i > 0; i--)
        {
            layers.Add(random.Next(12) == 0 ? JsonFragments.Pick(random, "1", "null", "[]", "\"x\"") : Layer(random));
        }

        var layersJson = "[" + string.Join(",", layers) + "]";
        return JsonFragments.Object(random, [("schemaVersion", "2"), ("layers", layersJson), ("config", "{\"digest\":\"x\"}")]);
    }

    private static string Layer(Random random)
    {
        var annotations = JsonFragments.Object(random, [
            ("dev.cosignproject.cosign/signature", JsonFragments.String(random, "MEUCIQ+/x==")),
            ("dev.sigstore.cosign/certificate", JsonFragments.String(random, "-----BEGIN CERTIFICATE-----\\nMIIB\\n")),
            ("dev.sigstore.cosign/chain", JsonFragments.String(random, "chain")),
            ("dev.sigstore.cosign/bundle", JsonFragments.String(random, "{\\\"SignedEntryTimestamp\\\":1}")),
            ("dev.sigstore.cosign/rfc3161timestamp", JsonFragments.String(random, "ts")),
        ]);
        return JsonFragments.Object(random, [
            ("mediaType", random.Next(5) == 0 ? JsonFragments.String(random, "application/other") : JsonFragments.String(random, CosignMediaTypes.SimpleSigning)),
            ("digest", random.Next(4) == 0 ? JsonFragments.String(random, "sha256:abc") : JsonFragments.String(random, Digest)),
            ("size", JsonFragments.Pick(random, "3", "0", "-1", "\"1\"", "1.5", "99999999999999999999", "null")),
            ("annotations", random.Next(10) == 0 ? JsonFragments.Pick(random, "\"x\"", "null", "[]") : annotations),
        ]);
    }
}
