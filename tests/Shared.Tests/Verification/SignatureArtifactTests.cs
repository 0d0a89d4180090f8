using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Verification;

public sealed class SignatureArtifactTests
{
    private const string Hex = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Theory]
    [InlineData("sha256-" + Hex + ".sig")]
    [InlineData("sha256-" + Hex + ".att")]
    [InlineData("sha256-" + Hex + ".sbom")]
    [InlineData("sha256-" + Hex)]
    public void TryGetSubject_CosignTags_ReturnsSubject(string tag)
    {
        Assert.True(SignatureArtifact.TryGetSubject(ImageReference.Parse("host/app:" + tag), null, out var subject));
        Assert.Equal("sha256:" + Hex, subject.ToString());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("sha256-" + Hex + ".txt")]
    [InlineData("sha256-" + "2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE.sig")]
    [InlineData("sha256-abc.sig")]
    [InlineData("latest.sig")]
    public void TryGetSubject_OtherTags_False(string tag)
    {
        Assert.False(SignatureArtifact.TryGetSubject(ImageReference.Parse("host/app:" + tag), null, out _));
    }

    [Fact]
    public void TryGetSubject_ManifestWithSubject_ReturnsSubject()
    {
        var json = $$$"""{"schemaVersion":2,"layers":[],"subject":{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"sha256:{{{Hex}}}","size":10}}""";
        var manifest = new Manifest(Digest.Sha256Of(Encoding.UTF8.GetBytes(json)), OciMediaTypes.OciManifest, Encoding.UTF8.GetBytes(json));

        Assert.True(SignatureArtifact.TryGetSubject(ImageReference.Parse("host/app@" + manifest.Digest), manifest, out var subject));
        Assert.Equal("sha256:" + Hex, subject.ToString());
    }

    [Theory]
    [InlineData("{\"schemaVersion\":2,\"layers\":[]}")]
    [InlineData("not json")]
    [InlineData("{\"subject\":{\"digest\":\"sha256:short\"}}")]
    public void TryGetSubject_ImageManifest_False(string json)
    {
        var manifest = new Manifest(Digest.Sha256Of(Encoding.UTF8.GetBytes(json)), OciMediaTypes.OciManifest, Encoding.UTF8.GetBytes(json));

        Assert.False(SignatureArtifact.TryGetSubject(ImageReference.Parse("host/app:1.0"), manifest, out var subject));
        Assert.Null(subject);
    }
}
