using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Shared.Tests.Verification;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>One verification's client: content named by digest is fetched once, failures included; tags are always asked.</summary>
public sealed class BudgetedRegistryClientTests
{
    private const string Repository = "registry.example.com/team/app";

    private readonly InMemoryRegistryClient _inner = new();

    [Fact]
    public async Task GetBlobAsync_SameDigestTwice_OneRequestAndBytesChargedOnce()
    {
        var digest = _inner.PutBlob(Repository, Encoding.UTF8.GetBytes("payload"));
        using var budget = Budget();
        var client = new BudgetedRegistryClient(_inner, budget);

        await client.GetBlobAsync(ImageReference.Parse(Repository), digest, 1024);
        var again = await client.GetBlobAsync(ImageReference.Parse("registry.example.com/other/repo"), digest, 1024);

        Assert.Equal("payload"u8.ToArray(), again);
        Assert.Single(_inner.Requests);
        Assert.Equal(1, budget.Requests);
        Assert.Equal(7, budget.Bytes);
    }

    [Fact]
    public async Task GetBlobAsync_MissingDigestTwice_OneRequestBothNotFound()
    {
        var digest = Digest.Sha256Of("absent"u8);
        using var budget = Budget();
        var client = new BudgetedRegistryClient(_inner, budget);

        await Assert.ThrowsAsync<RegistryNotFoundException>(() => client.GetBlobAsync(ImageReference.Parse(Repository), digest, 1024));
        await Assert.ThrowsAsync<RegistryNotFoundException>(() => client.GetBlobAsync(ImageReference.Parse(Repository), digest, 1024));

        Assert.Single(_inner.Requests);
    }

    [Fact]
    public async Task GetBlobAsync_CachedBlobOverALaterBound_TooLarge()
    {
        var digest = _inner.PutBlob(Repository, new byte[100]);
        using var budget = Budget();
        var client = new BudgetedRegistryClient(_inner, budget);
        await client.GetBlobAsync(ImageReference.Parse(Repository), digest, 1024);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetBlobAsync(ImageReference.Parse(Repository), digest, 99));

        Assert.Equal("TOO_LARGE", error.ReasonCode);
    }

    [Fact]
    public async Task GetManifestAsync_ByDigestTwiceByTagTwice_DigestCachedTagAskedEachTime()
    {
        var digest = _inner.PutManifest(Repository, "1.0", "{\"schemaVersion\":2}");
        using var budget = Budget();
        var client = new BudgetedRegistryClient(_inner, budget);

        await client.GetManifestAsync(ImageReference.Parse($"{Repository}@{digest}"));
        await client.GetManifestAsync(ImageReference.Parse($"{Repository}@{digest}"));
        await client.GetManifestAsync(ImageReference.Parse($"{Repository}:1.0"));
        await client.GetManifestAsync(ImageReference.Parse($"{Repository}:1.0"));

        Assert.Equal(3, _inner.Requests.Count);
    }

    [Fact]
    public async Task GetManifestAsync_TokenOtherThanTheBudgets_CancelsTheCallToo()
    {
        var digest = _inner.PutManifest(Repository, "1.0", "{\"schemaVersion\":2}");
        using var budget = Budget();
        using var other = new CancellationTokenSource();
        _inner.Gate = (_, cancellationToken) => Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        var client = new BudgetedRegistryClient(_inner, budget);

        var call = client.GetManifestAsync(ImageReference.Parse($"{Repository}@{digest}"), other.Token);
        await other.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.False(budget.TimedOut);
    }

    private static VerificationBudget Budget() => new(new VerificationLimits(), TimeProvider.System, CancellationToken.None);
}
