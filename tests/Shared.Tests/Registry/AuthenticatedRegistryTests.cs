using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>Basic auth from a docker config.json against a real docker-registry with htpasswd.</summary>
public sealed class AuthenticatedRegistryTests : IClassFixture<BasicAuthDockerRegistry>, IDisposable
{
    private readonly BasicAuthDockerRegistry _fixture;
    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-dockerconfig-").FullName;

    public AuthenticatedRegistryTests(BasicAuthDockerRegistry fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task GetManifestAsync_AuthFromDockerConfig_AuthenticatesAndThenSendsBasicUpFront()
    {
        var digest = await PushAsync("basic/app", "1");
        var credentials = DockerConfig($"{{\"auths\":{{\"{_fixture.Registry.HostPort}\":{{\"auth\":\"{Base64($"{BasicAuthDockerRegistry.User}:{BasicAuthDockerRegistry.Password}")}\"}}}}}}");
        var client = CreateClient(credentials, out var counter);

        var first = await client.GetManifestAsync(Reference($"basic/app@{digest}"));
        var firstRequests = counter.Count;
        counter.Reset();
        var second = await client.GetManifestAsync(Reference("basic/app:1"));

        Assert.Equal(digest, first.Digest.ToString());
        Assert.Equal(digest, second.Digest.ToString());
        Assert.Equal(2, firstRequests);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetManifestAsync_UsernamePasswordUnderUrlKey_Authenticates()
    {
        var digest = await PushAsync("basic/url-key", "1");
        var credentials = DockerConfig(
            $"{{\"auths\":{{\"http://{_fixture.Registry.HostPort}/v1/\":{{\"username\":\"{BasicAuthDockerRegistry.User}\",\"password\":\"{BasicAuthDockerRegistry.Password}\"}}}}}}");
        var client = CreateClient(credentials, out _);

        var manifest = await client.GetManifestAsync(Reference("basic/url-key:1"));

        Assert.Equal(digest, manifest.Digest.ToString());
    }

    [Fact]
    public async Task GetManifestAsync_NoCredentials_ThrowsUnauthorizedAfterOneRequest()
    {
        await PushAsync("basic/nocreds", "1");
        var client = CreateClient(DockerConfig("{\"auths\":{}}"), out var counter);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference("basic/nocreds:1")));

        Assert.Equal("UNAUTHORIZED", error.ReasonCode);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetManifestAsync_WrongPassword_ThrowsUnauthorizedWithoutRetrying()
    {
        await PushAsync("basic/wrong", "1");
        var credentials = DockerConfig($"{{\"auths\":{{\"{_fixture.Registry.HostPort}\":{{\"auth\":\"{Base64($"{BasicAuthDockerRegistry.User}:nope")}\"}}}}}}");
        var client = CreateClient(credentials, out var counter);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference("basic/wrong:1")));

        Assert.Equal("UNAUTHORIZED", error.ReasonCode);
        Assert.Contains(BasicAuthDockerRegistry.User, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task GetManifestAsync_CredentialHelperInDockerConfig_Authenticates()
    {
        var digest = await PushAsync("basic/helper", "1");
        var helper = Path.Combine(_directory, "docker-credential-test");
        File.WriteAllText(helper, $"#!/bin/sh\ncat >/dev/null\necho '{{\"Username\":\"{BasicAuthDockerRegistry.User}\",\"Secret\":\"{BasicAuthDockerRegistry.Password}\"}}'\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("credential helper scripts are POSIX shell");
        }

        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(_directory, "helper-config.json");
        File.WriteAllText(path, $"{{\"credHelpers\":{{\"{_fixture.Registry.HostPort}\":\"test\"}}}}");
        var client = CreateClient(new DockerConfigCredentialSource(path, [_directory]), out _);

        var manifest = await client.GetManifestAsync(Reference("basic/helper:1"));

        Assert.Equal(digest, manifest.Digest.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> PushAsync(string repository, string tag)
    {
        using var writer = _fixture.CreateWriter();
        return (await writer.PushImageAsync(repository, tag)).Digest;
    }

    private DockerConfigCredentialSource DockerConfig(string json)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return new DockerConfigCredentialSource(path);
    }

    private ImageReference Reference(string text) => ImageReference.Parse($"{_fixture.Registry.HostPort}/{text}");

    private DistributionRegistryClient CreateClient(RegistryCredentialSource credentials, out RequestCountingHandler counter)
    {
        counter = new RequestCountingHandler();
        var options = new RegistryClientOptions { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(_fixture.Registry.HostPort) };
        return new DistributionRegistryClient(new HttpClient(counter), options, credentials, TimeProvider.System);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
