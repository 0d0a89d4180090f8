using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

public sealed class DockerReferenceStepTests
{
    private const string Repository = "registry.example.com/team/app";

    [Theory]
    [InlineData("registry.example.com/team/app")]
    [InlineData("registry.example.com/team/app:v1")]
    [InlineData("registry.example.com/team/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")]
    [InlineData("registry.example.com/team/app:v1@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")]
    public void Check_ReferenceNamesTheRepository_Passes(string dockerReference)
    {
        var result = DockerReferenceStep.Check(dockerReference, Repository);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(ClassicSteps.DockerReference, result.Step);
    }

    [Theory]
    [InlineData("registry.example.com/team/other")]
    [InlineData("registry.example.com/team/app-evil")]
    [InlineData("registry.example.com/team/app/nested")]
    [InlineData("registry.example.com/team/app:v1/other")]
    [InlineData("other.example.com/team/app:v1")]
    [InlineData("not a reference")]
    [InlineData("")]
    public void Check_ReferenceNamesAnotherRepository_IdentityMismatch(string dockerReference)
    {
        var result = DockerReferenceStep.Check(dockerReference, Repository);

        Assert.False(result.Passed);
        Assert.Equal(DockerReferenceStep.IdentityMismatch, result.ReasonCode);
        Assert.Contains(Repository, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoReference_IdentityMismatch()
    {
        var result = DockerReferenceStep.Check(null, Repository);

        Assert.False(result.Passed);
        Assert.Equal("IDENTITY_MISMATCH", result.ReasonCode);
        Assert.Contains("no docker-reference", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DockerHubLongForm_NamesTheShortRepository()
    {
        // go-containerregistry (cosign) writes Docker Hub repositories as index.docker.io/library/NAME.
        Assert.True(DockerReferenceStep.Check("index.docker.io/library/nginx", "docker.io/library/nginx").Passed);
        Assert.True(DockerReferenceStep.Check("nginx:1.27", "docker.io/library/nginx").Passed);
    }
}
