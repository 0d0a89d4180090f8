using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Records;

public sealed class ImageKeyTests
{
    private const string Hex = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Theory]
    [InlineData("europe-docker.pkg.dev/proj/repo/app@sha256:" + Hex, "europe-docker.pkg.dev~proj~repo~app@sha256:" + Hex)]
    [InlineData("127.0.0.1:5000/a/b:tag@sha256:" + Hex, "127.0.0.1:5000~a~b@sha256:" + Hex)]
    [InlineData("busybox@sha256:" + Hex, "docker.io~library~busybox@sha256:" + Hex)]
    [InlineData("[::1]:5000/x@sha256:" + Hex, "[::1]:5000~x@sha256:" + Hex)]
    public void ToDocumentId_Reference_IsReadableValidAndReversible(string reference, string expectedId)
    {
        var key = ImageKey.Parse(reference);

        var id = key.ToDocumentId();

        Assert.Equal(expectedId, id);
        Assert.Equal(id, FirestoreDocumentIds.Validate(id));
        Assert.Equal(key, ImageKey.FromDocumentId(id));
    }

    [Theory]
    [InlineData("no-digest")]
    [InlineData("a/b@sha256:" + Hex)]
    [InlineData("docker.io~library~busybox@sha256:ABC")]
    [InlineData("docker.io~busybox@sha256:" + Hex)]
    [InlineData("REGISTRY.example:5000~a@sha256:" + Hex)]
    [InlineData("registry.example:05000~a@sha256:" + Hex)]
    [InlineData("registry.example:443~a@sha256:" + Hex)]
    public void FromDocumentId_NotProducedByToDocumentId_Throws(string id)
    {
        Assert.Throws<FormatException>(() => ImageKey.FromDocumentId(id));
    }

    [Fact]
    public void Parse_TagOnly_Throws()
    {
        Assert.Throws<FormatException>(() => ImageKey.Parse("europe-docker.pkg.dev/p/r/app:1.0"));
    }
}
