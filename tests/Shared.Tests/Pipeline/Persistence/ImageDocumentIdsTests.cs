using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

public sealed class ImageDocumentIdsTests
{
    private const string Hex = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Theory]
    [InlineData("europe-docker.pkg.dev/proj/repo/app@sha256:" + Hex, "europe-docker.pkg.dev~proj~repo~app@sha256:" + Hex)]
    [InlineData("127.0.0.1:5000/a/b:tag@sha256:" + Hex, "127.0.0.1:5000~a~b@sha256:" + Hex)]
    [InlineData("busybox@sha256:" + Hex, "docker.io~library~busybox@sha256:" + Hex)]
    [InlineData("[::1]:5000/x@sha256:" + Hex, "[::1]:5000~x@sha256:" + Hex)]
    public void For_Reference_IsReadableValidAndReversible(string reference, string expectedId)
    {
        var key = ImageKey.Parse(reference);

        var id = ImageDocumentIds.For(key);

        Assert.Equal(expectedId, id);
        Assert.Equal(id, FirestoreDocumentIds.Validate(id));
        Assert.Equal(key, ImageDocumentIds.Parse(id));
    }

    [Theory]
    [InlineData("no-digest")]
    [InlineData("a/b@sha256:" + Hex)]
    [InlineData("docker.io~library~busybox@sha256:ABC")]
    [InlineData("docker.io~busybox@sha256:" + Hex)]
    [InlineData("REGISTRY.example:5000~a@sha256:" + Hex)]
    [InlineData("registry.example:05000~a@sha256:" + Hex)]
    [InlineData("registry.example:443~a@sha256:" + Hex)]
    public void Parse_NotProducedByFor_Throws(string id)
    {
        Assert.Throws<FormatException>(() => ImageDocumentIds.Parse(id));
    }
}
