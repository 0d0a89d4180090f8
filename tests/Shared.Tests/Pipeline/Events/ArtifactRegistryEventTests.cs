using System.Text;
using CsCheck;
using ImageTrust.Model;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Events;

public sealed class ArtifactRegistryEventTests
{
    private const string Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Fact]
    public void Parse_InsertWithDigestAndTag_ParsesBoth()
    {
        var json = $$"""{"action":"INSERT","digest":"europe-docker.pkg.dev/p/repo/img@{{Digest}}","tag":"europe-docker.pkg.dev/p/repo/img:1.1"}""";

        var parsed = ArtifactRegistryEvent.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(RegistryAction.Insert, parsed.Action);
        Assert.Equal(Digest, parsed.Digest!.Digest!.ToString());
        Assert.Equal("1.1", parsed.Tag!.Tag);
        Assert.Same(parsed.Digest, parsed.Subject);
    }

    [Fact]
    public void Parse_TagOnlyDelete_SubjectIsTag()
    {
        var parsed = ArtifactRegistryEvent.Parse("""{"action":"DELETE","tag":"gcr.io/p/img:old"}"""u8);

        Assert.Equal(RegistryAction.Delete, parsed.Action);
        Assert.Null(parsed.Digest);
        Assert.Equal("old", parsed.Subject.Tag);
    }

    [Theory]
    [InlineData("not json", "MALFORMED_EVENT")]
    [InlineData("[]", "MALFORMED_EVENT")]
    [InlineData("""{"digest":"gcr.io/p/i@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}""", "MALFORMED_EVENT")]
    [InlineData("""{"action":"UPDATE","tag":"gcr.io/p/i:1"}""", "UNKNOWN_ACTION")]
    [InlineData("""{"action":"INSERT"}""", "MALFORMED_EVENT")]
    [InlineData("""{"action":"INSERT","digest":"gcr.io/p/i:1"}""", "INVALID_REFERENCE")]
    [InlineData("""{"action":"INSERT","tag":"gcr.io/p/i@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}""", "INVALID_REFERENCE")]
    [InlineData("""{"action":"INSERT","tag":"NOT A REF"}""", "INVALID_REFERENCE")]
    [InlineData("""{"action":7,"tag":"gcr.io/p/i:1"}""", "MALFORMED_EVENT")]
    public void Parse_BadInput_ThrowsPermanentInputWithReason(string json, string reason)
    {
        var error = Assert.Throws<PermanentInputException>(() => ArtifactRegistryEvent.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(reason, error.ReasonCode);
    }

    [Theory]
    [InlineData("registry.example:5000/p/app", "REGISTRY.EXAMPLE:5000/p/app")]
    [InlineData("registry.example:5000/p/app", "registry.example:05000/p/app")]
    [InlineData("registry.example/p/app", "registry.example:443/p/app")]
    [InlineData("docker.io/library/nginx", "index.docker.io/nginx")]
    [InlineData("docker.io/library/nginx", "Registry-1.Docker.IO/library/nginx")]
    [InlineData("[::1]:5000/p/app", "[0::1]:5000/p/app")]
    public void Parse_TwoSpellingsOfOneImage_OneImageKey(string canonical, string other)
    {
        ImageKey KeyOf(string repository) => ImageKey.From(ArtifactRegistryEvent.Parse(Encoding.UTF8.GetBytes(
            $$"""{"action":"INSERT","digest":"{{repository}}@{{Digest}}","tag":"{{repository}}:1.0"}""")).Subject);

        var key = KeyOf(other);

        Assert.Equal(KeyOf(canonical), key);
        Assert.Equal(canonical, key.Repository);
        Assert.Equal(ResourceUri.ToImageKey($"https://{canonical}@{Digest}"), ResourceUri.ToImageKey($"https://{other}@{Digest}"));
    }

    [Theory]
    [InlineData("registry.example:0/p/app")]
    [InlineData("127.0.0.01:5000/p/app")]
    [InlineData("registry.example/p/app\\n")]
    public void Parse_AmbiguousRegistrySpelling_InvalidReference(string repository)
    {
        var json = $$"""{"action":"INSERT","digest":"{{repository}}@{{Digest}}"}""";

        var error = Assert.Throws<PermanentInputException>(() => ArtifactRegistryEvent.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("INVALID_REFERENCE", error.ReasonCode);
    }

    [Fact]
    public void Parse_Oversized_ThrowsPermanentInput()
    {
        var data = new byte[ArtifactRegistryEvent.MaxDataBytes + 1];

        var error = Assert.Throws<PermanentInputException>(() => ArtifactRegistryEvent.Parse(data));

        Assert.Equal("OVERSIZED_EVENT", error.ReasonCode);
    }

    [Fact]
    public void Parse_ArbitraryBytes_OnlyPermanentInputErrors()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            try
            {
                var parsed = ArtifactRegistryEvent.Parse(bytes);
                Assert.NotNull(parsed.Subject);
            }
            catch (PermanentInputException)
            {
            }
        });
    }
}
