using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Records;

public sealed class ImageKeyTests
{
    [Fact]
    public void Parse_TagOnly_Throws()
    {
        Assert.Throws<FormatException>(() => ImageKey.Parse("europe-docker.pkg.dev/p/r/app:1.0"));
    }

    [Fact]
    public void Parse_TagAndDigest_KeepsRepositoryAndDigestOnly()
    {
        var key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app:1.0@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

        Assert.Equal("europe-docker.pkg.dev/p/r/app", key.Repository);
        Assert.Equal("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", key.ToString());
    }
}
