using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.TestSupport.Fixtures;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>
/// The engine against a real docker-registry holding images signed by independent tools (skopeo 1.18, openssl, sigstore-js),
/// with the verdict each catalog scenario expects (cross-checked with skopeo or sigstore-js where they apply).
/// </summary>
public sealed class FixtureVerificationTests : IClassFixture<FixtureRegistry>
{
    private readonly FixtureRegistry _fixture;

    public FixtureVerificationTests(FixtureRegistry fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string> VerifyScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in FixtureSet.LoadDefault().Scenarios.Where(scenario => scenario.Command == "verify"))
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VerifyScenarios))]
    public async Task VerifyAsync_FixtureScenario_MatchesExpectedVerdict(string name)
    {
        var scenario = _fixture.Fixtures.Scenario(name);
        var engine = CreateEngine(out var registry);

        var result = await engine.VerifyAsync(ImageReference.Parse(scenario.ReferenceAt(_fixture.HostPort)), RuleFor(scenario));

        var summary = $"{name}: reasons [{string.Join(", ", result.Reasons)}] signatures [{string.Join(", ", result.Signatures.Select(s => s.Kind + ":" + s.Reason))}] {string.Join("; ", result.Details)}";
        Assert.True(result.Verified == (scenario.Expected == FixtureExpectation.Verified), summary);
        Assert.Equal(scenario.Digest, result.Image.Digest!.ToString());
        if (scenario.Expected == FixtureExpectation.Failed)
        {
            Assert.NotNull(scenario.ExpectedReason);
            Assert.True(result.Reasons.Contains(scenario.ExpectedReason), $"expected {scenario.ExpectedReason}; {summary}");
        }
    }

    [Fact]
    public async Task VerifyAsync_SkopeoSignedByDigest_CostsTwoRequests()
    {
        var scenario = _fixture.Fixtures.Scenario("skopeo-signed");
        using var handler = new ImageTrust.TestSupport.Registry.RequestCountingHandler();
        using var http = new HttpClient(handler);
        var registry = new DistributionRegistryClient(http, Options(), RegistryCredentialSource.Anonymous, TimeProvider.System, null);
        var engine = SigstoreImageVerifier.Create(registry, TimeProvider.System);
        var rule = RuleFor(scenario) with { Formats = SignatureFormats.Classic };

        var result = await engine.VerifyAsync(ImageReference.Parse(scenario.ReferenceAt(_fixture.HostPort)), rule);

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(2, handler.Count);
    }

    private SigstoreImageVerifier CreateEngine(out RegistryClient registry)
    {
        registry = new DistributionRegistryClient(RegistryHttp.CreateClient(), Options(), RegistryCredentialSource.Anonymous, TimeProvider.System);
        return SigstoreImageVerifier.Create(registry, TimeProvider.System);
    }

    private RegistryClientOptions Options() => new() { HttpRegistries = new HashSet<string> { _fixture.HostPort } };

    /// <summary>The rule cosign's flags describe: one authority, threshold 1.</summary>
    private static PolicyRule RuleFor(FixtureScenario scenario)
    {
        var trustSet = scenario.Flag("ca-roots") is not null || scenario.Flag("rekor-public-key") is not null || scenario.Flag("trusted-root") is not null;
        var trust = new TrustMaterialSource(scenario.Flag("ca-roots"), scenario.Flag("ca-intermediates"), scenario.Flag("rekor-public-key"), null, scenario.Flag("trusted-root"));
        Authority authority = scenario.Flag("key") is { } key
            ? new KeyAuthority("key", File.ReadAllText(key), null, trustSet ? trust : null)
            : new KeylessAuthority(
                "keyless",
                scenario.Flag("certificate-identity") is { } identity ? StringMatcher.ExactValue(identity) : StringMatcher.Regexp(scenario.Flag("certificate-identity-regexp")!),
                scenario.Flag("certificate-oidc-issuer") is { } issuer ? StringMatcher.ExactValue(issuer) : StringMatcher.Regexp(scenario.Flag("certificate-oidc-issuer-regexp")!),
                trust);
        return new PolicyRule(
            "fixture",
            [RepositoryGlob.Parse("**")],
            [authority],
            1,
            scenario.Flag("insecure-ignore-tlog") is null,
            scenario.Flag("insecure-ignore-sct") is null,
            EnforcementMode.Enforce,
            null,
            MultiArchRequirement.Index,
            SignatureFormats.Any,
            [],
            null);
    }
}
