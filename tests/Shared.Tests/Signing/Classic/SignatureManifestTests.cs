using System.Text;
using CsCheck;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Signing.Classic;

public sealed class SignatureManifestTests
{
    private const string Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

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
        Assert.Equal("MEUC", manifest.Layers[0].Signature);
        Assert.Equal("{}", manifest.Layers[0].Bundle);
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
}
