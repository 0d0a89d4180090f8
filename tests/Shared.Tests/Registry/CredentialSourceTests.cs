using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Shared.Tests.Model;

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

    [Theory]
    [InlineData("REGISTRY.example:05000")]
    [InlineData("https://registry.example:5000/v2/")]
    [InlineData("registry.example:5000")]
    public async Task DockerConfig_KeySpelledAnotherWay_FoundByCanonicalName(string key)
    {
        var source = Config($"{{\"auths\":{{\"{key}\":{{\"auth\":\"{Base64("bob:pw")}\"}}}}}}");

        Assert.Equal("bob", (await source.GetCredentialAsync("registry.example:5000"))?.Username);
    }

    [Fact]
    public async Task DockerConfig_KeyWithDefaultHttpsPort_FoundForPortlessName()
    {
        var source = Config($"{{\"auths\":{{\"registry.example:443\":{{\"auth\":\"{Base64("bob:pw")}\"}}}}}}");

        Assert.Equal("bob", (await source.GetCredentialAsync("registry.example"))?.Username);
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

    [Fact]
    public async Task DockerConfig_CredHelperForHost_RunsHelperAndWinsOverAuths()
    {
        Helper("fake", """echo '{"ServerURL":"x","Username":"helper-user","Secret":"s3cret"}'""");
        var source = Config($"{{\"credHelpers\":{{\"registry.example:5000\":\"fake\"}},\"auths\":{{\"registry.example:5000\":{{\"auth\":\"{Base64("file:pw")}\"}}}}}}");

        var credential = await source.GetCredentialAsync("registry.example:5000");
        var again = await source.GetCredentialAsync("registry.example:5000");

        Assert.Equal("helper-user", credential?.Username);
        Assert.Equal("s3cret", credential?.Secret);
        Assert.Equal(credential, again);
        Assert.Equal(["registry.example:5000"], Asked("fake"));
    }

    [Fact]
    public async Task DockerConfig_CredsStore_AskedForOtherHostsWithDockerHubIndexUrl()
    {
        Helper("store", """echo '{"Username":"hub-user","Secret":"token"}'""");
        var source = Config("{\"credsStore\":\"store\",\"credHelpers\":{\"gcr.io\":\"other\"}}");

        var credential = await source.GetCredentialAsync("docker.io");

        Assert.Equal("hub-user", credential?.Username);
        Assert.Equal(["https://index.docker.io/v1/"], Asked("store"));
    }

    [Fact]
    public async Task DockerConfig_HelperHasNoCredential_Anonymous()
    {
        Helper("empty", "echo 'credentials not found in native keychain'; exit 1");

        Assert.Null(await Config("{\"credsStore\":\"empty\"}").GetCredentialAsync("registry.example"));
    }

    [Fact]
    public async Task DockerConfig_HelperGivesIdentityToken_AnonymousRatherThanTokenAsPassword()
    {
        Helper("identity", """echo '{"Username":"<token>","Secret":"refresh-token"}'""");

        Assert.Null(await Config("{\"credsStore\":\"identity\"}").GetCredentialAsync("registry.example"));
    }

    [Fact]
    public async Task DockerConfig_HelperFails_TransientFailureNamingIt()
    {
        Helper("broken", "echo 'keychain locked' >&2; exit 3");

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => Config("{\"credsStore\":\"broken\"}").GetCredentialAsync("registry.example").AsTask());

        Assert.Contains("docker-credential-broken failed (exit 3): keychain locked", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"credsStore\":\"absent\"}", "docker-credential-absent")]
    [InlineData("{\"credsStore\":\"../escape\"}", "not a plain name")]
    [InlineData("{\"credsStore\":\"garbled\"}", "not a credential")]
    public async Task DockerConfig_HelperUnusable_ConfigurationError(string json, string expected)
    {
        Helper("garbled", "echo 'not json'");

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Config(json).GetCredentialAsync("registry.example").AsTask());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A docker-credential-<name> script in the test directory that records the server URL it is asked for, then runs body.
    private void Helper(string name, string body)
    {
        var path = Path.Combine(_directory, "docker-credential-" + name);
        File.WriteAllText(path, $"#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread -r url\necho \"$url\" >> '{path}.asked'\n{body}\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("credential helper scripts are POSIX shell");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string[] Asked(string name) => File.ReadAllLines(Path.Combine(_directory, "docker-credential-" + name + ".asked"));

    private DockerConfigCredentialSource Config(string json)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return new DockerConfigCredentialSource(path, [_directory]);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
