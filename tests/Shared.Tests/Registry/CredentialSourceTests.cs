using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Registry;

public sealed class CredentialSourceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-creds-").FullName;

    [Fact]
    public async Task DockerConfig_AuthEntry_DecodesUserAndPassword()
    {
        var source = Config($"{{\"auths\":{{\"registry.example:5000\":{{\"auth\":\"{Base64("alice:pa:ss")}\"}}}}}}");

        var credential = await source.GetCredentialAsync("registry.example:5000");

        Assert.NotNull(credential);
        Assert.Equal("alice", credential.Username);
        Assert.Equal("pa:ss", credential.Secret);
        Assert.False(credential.SendAsBearer);
        Assert.Null(await source.GetCredentialAsync("other.example"));
    }

    [Fact]
    public async Task DockerConfig_DockerHubLegacyKey_UsedForDockerIo()
    {
        var source = Config($"{{\"auths\":{{\"https://index.docker.io/v1/\":{{\"auth\":\"{Base64("bob:pw")}\"}}}}}}");

        Assert.Equal("bob", (await source.GetCredentialAsync("docker.io"))?.Username);
    }

    [Fact]
    public async Task DockerConfig_MissingFile_NoCredentials()
    {
        var source = new DockerConfigCredentialSource(Path.Combine(_directory, "absent.json"));

        Assert.Null(await source.GetCredentialAsync("registry.example"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"auths\":{\"r\":{\"auth\":\"!!!notbase64\"}}}")]
    [InlineData("{\"auths\":{\"r\":{\"auth\":\"bm9jb2xvbg==\"}}}")]
    public async Task DockerConfig_Malformed_ThrowsConfigurationException(string json)
    {
        var source = Config(json);

        await Assert.ThrowsAsync<ConfigurationException>(async () => await source.GetCredentialAsync("r"));
    }

    [Fact]
    public void RegistryCredential_ToString_HidesSecret()
    {
        var text = new RegistryCredential("user", "top-secret").ToString();

        Assert.DoesNotContain("top-secret", text, StringComparison.Ordinal);
        Assert.Contains("user", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("europe-docker.pkg.dev", true)]
    [InlineData("us-central1-docker.pkg.dev", true)]
    [InlineData("gcr.io", true)]
    [InlineData("eu.gcr.io", true)]
    [InlineData("gcr.io:443", true)]
    [InlineData("pkg.dev.evil.example", false)]
    [InlineData("notgcr.io", false)]
    [InlineData("127.0.0.1:5000", false)]
    public async Task GoogleCredentialSource_OnlyGoogleHosts_AskForAToken(string registry, bool google)
    {
        var tokens = new FakeAccessTokenSource("ya29.token");
        var source = new GoogleCredentialSource(tokens);

        var credential = await source.GetCredentialAsync(registry);

        Assert.Equal(google, credential is not null);
        Assert.Equal(google ? 1 : 0, tokens.Calls);
        if (credential is not null)
        {
            Assert.Equal(GoogleCredentialSource.AccessTokenUser, credential.Username);
            Assert.Equal("ya29.token", credential.Secret);
            Assert.True(credential.SendAsBearer);
        }
    }

    [Fact]
    public async Task ChainedCredentialSource_FirstMatchWins_LaterSourcesNotAsked()
    {
        var tokens = new FakeAccessTokenSource("ya29.token");
        var chain = new ChainedCredentialSource([Config($"{{\"auths\":{{\"europe-docker.pkg.dev\":{{\"auth\":\"{Base64("u:p")}\"}}}}}}"), new GoogleCredentialSource(tokens)]);

        var credential = await chain.GetCredentialAsync("europe-docker.pkg.dev");

        Assert.Equal("u", credential?.Username);
        Assert.Equal(0, tokens.Calls);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DockerConfigCredentialSource Config(string json)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return new DockerConfigCredentialSource(path);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
