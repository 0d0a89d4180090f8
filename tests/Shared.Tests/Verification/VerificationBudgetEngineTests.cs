using System.Security.Cryptography;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>
/// Issue 10, defect 4 and item 5: one verification's work is bounded (registry calls, bytes, signature layers, one deadline),
/// identical content is fetched once, and a spent budget is a verdict naming the limit, never an exception or a retry.
/// </summary>
public sealed class VerificationBudgetEngineTests : IDisposable
{
    private readonly InMemoryRegistryClient _registry = new();
    private readonly FakeEvidenceVerifier _evidence = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task VerifyAsync_SignatureManifestOverSignatureLimit_TooManySignaturesWithoutFetchingPayloads()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        var layer = (payload, SignedImages.KeyAnnotations(_key, payload));
        SignedImages.PushSignatures(_registry, digest, Enumerable.Repeat(layer, VerificationLimits.DefaultMaxSignatures + 1));

        var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule());

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.TooManySignatures], result.Reasons);
        Assert.Contains("maxSignatures = 64", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.Contains("65", result.Details[0], StringComparison.Ordinal);
        Assert.Equal(digest, result.Image.Digest);
        Assert.DoesNotContain(_registry.Requests, request => request.StartsWith("blob ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_SignatureManifestAtSignatureLimitWithIdenticalLayers_VerifiedWithOnePayloadFetch()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        var layer = (payload, SignedImages.KeyAnnotations(_key, payload));
        SignedImages.PushSignatures(_registry, digest, Enumerable.Repeat(layer, VerificationLimits.DefaultMaxSignatures));

        var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule());

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(VerificationLimits.DefaultMaxSignatures, result.Signatures.Count);
        Assert.Equal(2, _registry.Requests.Count);
        Assert.Single(_registry.Requests, request => request.StartsWith("blob ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_ReferrersWithIdenticalBundleLayers_EachDistinctBlobFetchedOnce()
    {
        // The measured attack, within the limits: 32 referrers of 2 identical bundle layers each (64 signatures).
        var digest = SignedImages.PushImage(_registry);
        var bundle = _registry.PutBlob(SignedImages.Repository, [.. "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}"u8]);
        PushReferrers(digest, referrers: 32, layersEach: 2, bundle);
        var bundles = new FakeBundleVerifier();

        var result = await Engine(bundles).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule(Keyless()));

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(64, bundles.Subjects.Count);
        Assert.Single(_registry.Requests, request => request == $"blob {SignedImages.Repository}@{bundle}");
        Assert.Equal(32, _registry.Requests.Count(request => request.StartsWith("manifest ", StringComparison.Ordinal) && request.Contains('@', StringComparison.Ordinal)));
    }

    [Fact]
    public async Task VerifyAsync_ReferrerWithThousandBundleLayers_TooManySignaturesAfterThreeRequests()
    {
        // The image: 32 referrers of 1,024 identical layers caused 32,768 blob fetches.
        var digest = SignedImages.PushImage(_registry);
        var bundle = _registry.PutBlob(SignedImages.Repository, [.. "{}"u8]);
        PushReferrers(digest, referrers: 32, layersEach: ManifestDocument.MaxEntries, bundle);

        var result = await Engine(new FakeBundleVerifier()).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule(Keyless()));

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.TooManySignatures], result.Reasons);
        Assert.Contains("lists 1024", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.Equal(
            [$"manifest {SignedImages.Repository}:{digest.ToTagPrefix()}.sig", $"referrers {SignedImages.Repository}@{digest}", $"manifest {SignedImages.Repository}:{digest.ToTagPrefix()}"],
            _registry.Requests.Take(3));
        Assert.Equal(4, _registry.Requests.Count);
        Assert.DoesNotContain(_registry.Requests, request => request.StartsWith("blob ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_MoreRegistryCallsThanTheLimit_BudgetExceededNamingLimitAndValue()
    {
        var digest = SignedImages.PushImage(_registry);
        var first = SignedImages.Payload(digest);
        var second = first.Replace("\"optional\":null", "\"optional\":{\"n\":2}", StringComparison.Ordinal);
        SignedImages.PushSignatures(_registry, digest, [(first, SignedImages.KeyAnnotations(_key, first)), (second, SignedImages.KeyAnnotations(_key, second))]);
        var limits = new VerificationLimits { MaxRegistryRequests = 3 };

        var result = await Engine(limits: limits).VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), Rule());

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.BudgetExceeded], result.Reasons);
        Assert.Contains("maxRegistryRequests = 3", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.Equal(digest, result.Image.Digest);
        Assert.Equal(3, _registry.Requests.Count);
    }

    [Fact]
    public async Task VerifyAsync_MoreBytesThanTheLimit_BudgetExceededNamingLimitAndValue()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload))]);
        var limits = new VerificationLimits { MaxBytes = 200 };

        var result = await Engine(limits: limits).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule());

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.BudgetExceeded], result.Reasons);
        Assert.Contains("maxBytes = 200", Assert.Single(result.Details), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_SlowRegistryPastTheDeadline_VerificationTimeoutOnTheInjectedClock()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload))]);
        _registry.Gate = (_, cancellationToken) => Task.Delay(TimeSpan.FromSeconds(40), _time, cancellationToken);
        var engine = Engine(limits: new VerificationLimits { Timeout = TimeSpan.FromMinutes(1) });

        var verifying = engine.VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), Rule());
        for (var i = 0; i < 1000 && !verifying.IsCompleted; i++)
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        var result = await verifying;
        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.VerificationTimeout], result.Reasons);
        Assert.Contains("timeout = 1m", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.Equal(2, _registry.Requests.Count);
    }

    [Fact]
    public async Task VerifyAsync_CallerCancels_ThrowsOperationCanceledNotATimeoutVerdict()
    {
        var digest = SignedImages.PushImage(_registry);
        using var cancellation = new CancellationTokenSource();
        _registry.Gate = async (_, cancellationToken) =>
        {
            await cancellation.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule(), cancellation.Token));
    }

    [Fact]
    public async Task VerifyAsync_Sha512Reference_UnsupportedDigestWithoutRequests()
    {
        var digest = Digest.Parse("sha512:" + new string('a', 128));

        var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), Rule());

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.UnsupportedDigest], result.Reasons);
        Assert.Contains("sha256", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.Empty(_registry.Requests);
    }

    [Fact]
    public async Task VerifyAsync_IndexWithSha512PlatformUnderEveryPlatformRule_PlatformNotVerifiedUnsupportedDigest()
    {
        var amd64 = SignedImages.PushImage(_registry, "amd64");
        var payload = SignedImages.Payload(amd64);
        SignedImages.PushSignatures(_registry, amd64, [(payload, SignedImages.KeyAnnotations(_key, payload))]);
        var arm64 = "sha512:" + Convert.ToHexStringLower(SHA512.HashData("arm64"u8));
        _registry.PutManifest(
            SignedImages.Repository,
            "multi",
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{amd64}}}","size":1,"platform":{"os":"linux","architecture":"amd64"}},{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{arm64}}}","size":1,"platform":{"os":"linux","architecture":"arm64"}}]}""",
            OciMediaTypes.OciIndex);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":multi"), Rule(multiArch: MultiArchRequirement.EveryPlatform));

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.PlatformNotVerified, VerificationReasons.UnsupportedDigest], result.Reasons);
        Assert.Contains(result.Details, detail => detail.Contains(arm64, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_AttestationsAfterSignatures_ShareOneBudget()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload))]);
        var limits = new VerificationLimits { MaxRegistryRequests = 3 };
        var options = new ImageVerifierOptions { Limits = limits };
        var attestations = new SigstoreAttestationVerifier(
            _registry, new AuthorityResolver(), _evidence, _time, options, NullLogger<SigstoreAttestationVerifier>.Instance);
        var engine = new AttestedImageVerifier(Engine(limits: limits), attestations);
        var requirement = new AttestationRequirement("https://slsa.dev/provenance/v1", [SignedImages.KeyAuthority("release", _key)], []);

        // Signatures cost 3 calls (manifest by tag, .sig, payload); the attestation's first call is the fourth.
        var result = await engine.VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), Rule() with { Attestations = [requirement] });

        Assert.False(result.Verified);
        Assert.Equal([AttestedImageVerifier.AttestationRequirementNotMet, VerificationReasons.BudgetExceeded], result.Reasons);
        Assert.Contains(result.Details, detail => detail.Contains("maxRegistryRequests = 3", StringComparison.Ordinal));
        Assert.Equal(3, _registry.Requests.Count);
    }

    private SigstoreImageVerifier Engine(BundleSignatureVerifier? bundles = null, VerificationLimits? limits = null)
        => new(
            _registry,
            new AuthorityResolver(),
            new ClassicSignatureVerifier(_evidence, _time),
            bundles,
            new ImageVerifierOptions { Limits = limits ?? new VerificationLimits() },
            NullLogger<SigstoreImageVerifier>.Instance,
            _time);

    private PolicyRule Rule(Authority? authority = null, MultiArchRequirement multiArch = MultiArchRequirement.Index)
        => SignedImages.Rule([authority ?? SignedImages.KeyAuthority("release", _key)], requireTlog: false, multiArch: multiArch);

    private static KeylessAuthority Keyless() => SignedImages.Keyless("ci", "dev@example.com");

    private void PushReferrers(Digest subject, int referrers, int layersEach, Digest bundle)
    {
        var layer = $$$"""{"mediaType":"{{{CosignMediaTypes.BundleV03}}}","digest":"{{{bundle}}}","size":10}""";
        var layers = string.Join(",", Enumerable.Repeat(layer, layersEach));
        var entries = new List<string>();
        for (var i = 0; i < referrers; i++)
        {
            var referrer = _registry.PutManifest(
                SignedImages.Repository,
                null,
                $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}","artifactType":"{{{CosignMediaTypes.BundleV03}}}","config":{"mediaType":"{{{OciMediaTypes.OciEmpty}}}","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{{{layers}}}],"subject":{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{subject}}}","size":1},"annotations":{"n":"{{{i}}}"}}""");
            entries.Add($$$"""{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{referrer}}}","size":1}""");
        }

        _registry.PutManifest(
            SignedImages.Repository,
            subject.ToTagPrefix(),
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{{{string.Join(",", entries)}}}]}""",
            OciMediaTypes.OciIndex);
    }
}
