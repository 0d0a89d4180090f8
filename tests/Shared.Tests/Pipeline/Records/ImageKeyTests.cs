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

    [Theory]
    [InlineData("europe-docker.pkg.dev/team-a-prod/repo/app", "team-a-prod")]
    [InlineData("us-central1-docker.pkg.dev/team-b/repo/nested/app", "team-b")]
    [InlineData("gcr.io/legacy-proj/app", "legacy-proj")]
    [InlineData("eu.gcr.io/legacy-proj/app", "legacy-proj")]
    [InlineData("ghcr.io/acme/app", null)]
    [InlineData("docker-pkg.dev.example/team/app", null)]
    [InlineData("127.0.0.1:5000/skopeo/app", null)]
    public void SourceProject_RegistryPath_ProjectOnlyForGoogleRegistries(string repository, string? project)
    {
        var key = ImageKey.Parse($"{repository}@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

        Assert.Equal(project, key.SourceProject);
    }
}
