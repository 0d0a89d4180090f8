using System.Security.Cryptography;
using System.Text;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Registry;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>The client against a real, anonymous docker-registry 2.8 on loopback.</summary>
public sealed class DistributionRegistryClientTests : IClassFixture<DockerRegistryProcess>
{
    private readonly DockerRegistryProcess _registry;

    public DistributionRegistryClientTests(DockerRegistryProcess registry)
    {
        _registry = registry;
    }

    [Fact]
    public async Task GetManifestAsync_ByTag_ReturnsContentAndComputedDigest()
    {
        var (digest, manifest) = await PushImageAsync("anon/by-tag", "1.0");
        var client = CreateClient(out _);

        var result = await client.GetManifestAsync(Reference("anon/by-tag:1.0"));

        Assert.Equal(digest, result.Digest.ToString());
        Assert.Equal(OciMediaTypes.OciManifest, result.MediaType);
        Assert.Equal(manifest, result.Content.ToArray());
    }

    [Fact]
    public async Task GetManifestAsync_ByDigest_ReturnsVerifiedContent()
    {
        var (digest, manifest) = await PushImageAsync("anon/by-digest", "x");
        var client = CreateClient(out var counter);

        var result = await client.GetManifestAsync(Reference($"anon/by-digest@{digest}"));

        Assert.Equal(digest, result.Digest.ToString());
        Assert.Equal(manifest, result.Content.ToArray());
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetManifestAsync_UnknownTag_ThrowsNotFoundWithoutRetry()
    {
        await PushImageAsync("anon/missing", "present");
        var client = CreateClient(out var counter);

        var error = await Assert.ThrowsAsync<RegistryNotFoundException>(() => client.GetManifestAsync(Reference("anon/missing:absent")));

        Assert.Contains("anon/missing:absent", error.What, StringComparison.Ordinal);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetBlobAsync_PushedBlob_ReturnsVerifiedBytes()
    {
        using var writer = new RegistryContentWriter(_registry.BaseUri);
        var content = RandomNumberGenerator.GetBytes(100_000);
        var digest = await writer.PushBlobAsync("anon/blob", content);
        var client = CreateClient(out var counter);

        var blob = await client.GetBlobAsync(Reference("anon/blob"), Digest.Parse(digest), maxBytes: 200_000);

        Assert.Equal(content, blob);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetBlobAsync_LargerThanMaxBytes_ThrowsTooLarge()
    {
        using var writer = new RegistryContentWriter(_registry.BaseUri);
        var digest = await writer.PushBlobAsync("anon/big-blob", RandomNumberGenerator.GetBytes(10_000));
        var client = CreateClient(out _);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetBlobAsync(Reference("anon/big-blob"), Digest.Parse(digest), maxBytes: 9_999));

        Assert.Equal("TOO_LARGE", error.ReasonCode);
    }

    [Fact]
    public async Task GetBlobAsync_UnknownDigest_ThrowsNotFound()
    {
        await PushImageAsync("anon/no-blob", "1");
        var client = CreateClient(out _);

        await Assert.ThrowsAsync<RegistryNotFoundException>(
            () => client.GetBlobAsync(Reference("anon/no-blob"), Digest.Sha256Of(Encoding.UTF8.GetBytes("never pushed")), 1024));
    }

    [Fact]
    public async Task ListTagsAsync_RealRegistry_ReturnsEveryTag()
    {
        var expected = new[] { "a", "b", "c", "d", "e" };
        foreach (var tag in expected)
        {
            await PushImageAsync("anon/tags", tag);
        }

        var client = CreateClient(out var counter, options => options with { TagsPageSize = 2 });

        var tags = await client.ListTagsAsync(Reference("anon/tags"));

        // distribution 2.8 ignores n for tags and sends one page; Link pagination is covered by ScriptedRegistryTests.
        Assert.Equal(expected, tags.Order(StringComparer.Ordinal));
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task ListTagsAsync_MoreThanMaxTags_ThrowsTooLarge()
    {
        foreach (var tag in new[] { "1", "2", "3" })
        {
            await PushImageAsync("anon/many-tags", tag);
        }

        var client = CreateClient(out _, options => options with { TagsPageSize = 1, MaxTags = 2 });

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.ListTagsAsync(Reference("anon/many-tags")));

        Assert.Equal("TOO_LARGE", error.ReasonCode);
    }

    [Fact]
    public async Task GetReferrersAsync_DistributionTwoEight_ReturnsNull()
    {
        var (digest, _) = await PushImageAsync("anon/referrers", "1");
        var client = CreateClient(out var counter);

        var referrers = await client.GetReferrersAsync(Reference("anon/referrers"), Digest.Parse(digest), "application/vnd.dev.sigstore.bundle.v0.3+json");

        Assert.Null(referrers);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task GetManifestAsync_RegistryNotAllowedAsPlainHttp_FailsTransientlyOverHttps()
    {
        var client = new DistributionRegistryClient(
            new HttpClient(),
            new RegistryClientOptions { Retry = new RetryPolicy { MaxAttempts = 1 } },
            RegistryCredentialSource.Anonymous,
            TimeProvider.System);

        await Assert.ThrowsAsync<TransientFailureException>(() => client.GetManifestAsync(Reference("anon/x:1")));
    }

    private async Task<(string Digest, byte[] Manifest)> PushImageAsync(string repository, string tag)
    {
        using var writer = new RegistryContentWriter(_registry.BaseUri);
        return await writer.PushImageAsync(repository, tag);
    }

    private ImageReference Reference(string repositoryAndTag) => ImageReference.Parse($"{_registry.HostPort}/{repositoryAndTag}");

    private DistributionRegistryClient CreateClient(out RequestCountingHandler counter, Func<RegistryClientOptions, RegistryClientOptions>? configure = null)
    {
        counter = new RequestCountingHandler();
        var options = new RegistryClientOptions { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(_registry.HostPort) };
        return new DistributionRegistryClient(new HttpClient(counter), configure?.Invoke(options) ?? options, RegistryCredentialSource.Anonymous, TimeProvider.System);
    }
}
