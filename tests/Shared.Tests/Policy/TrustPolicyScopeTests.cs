using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Policy;

/// <summary>
/// The first matching rule wins, so a strict rule must not be skipped because a reference spells its registry differently
/// (issue 10, defect 2): every spelling of one repository gets the same rule.
/// </summary>
public sealed class TrustPolicyScopeTests
{
    private const string Kms = "gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1";

    [Theory]
    [InlineData("registry.example:5000/p/**", "registry.example:5000/p/app:v1")]
    [InlineData("registry.example:5000/p/**", "REGISTRY.EXAMPLE:5000/p/app:v1")]
    [InlineData("registry.example:5000/p/**", "Registry.Example:05000/p/app:v1")]
    [InlineData("registry.example/p/**", "registry.example:443/p/app")]
    [InlineData("registry.example/p/**", "REGISTRY.example:00443/p/app")]
    [InlineData("REGISTRY.example:05000/p/**", "registry.example:5000/p/app")]
    [InlineData("registry.example:443/p/**", "registry.example/p/app")]
    [InlineData("docker.io/library/**", "nginx")]
    [InlineData("docker.io/library/**", "index.docker.io/nginx")]
    [InlineData("docker.io/library/**", "registry-1.docker.io/library/nginx:1")]
    [InlineData("docker.io/library/**", "DOCKER.IO:443/nginx")]
    [InlineData("index.docker.io/library/**", "docker.io/library/nginx")]
    [InlineData("DOCKER.IO/nginx", "nginx:latest")]
    [InlineData("[::1]:5000/p/**", "[0:0:0:0:0:0:0:1]:05000/p/app")]
    [InlineData("*.pkg.dev/p/**", "EUROPE-docker.pkg.dev:443/p/app")]
    public void Match_RegistrySpelledDifferently_StrictRuleStillApplies(string strictScope, string image)
    {
        var policy = TwoRules(strictScope);

        Assert.Equal("strict", policy.Match(ImageReference.Parse(image))?.Name);
    }

    [Theory]
    [InlineData("registry.example:5000/p/**", "registry.example:5001/p/app")]
    [InlineData("registry.example:5000/p/**", "registry.example/p/app")]
    [InlineData("docker.io/library/**", "user/app")]
    public void Match_OtherRepository_FallsThroughToLaterRule(string strictScope, string image)
    {
        Assert.Equal("weak", TwoRules(strictScope).Match(ImageReference.Parse(image))?.Name);
    }

    // Issue 15: one deployment watches many projects, and a rule scoped to one project must cover exactly that project's
    // repositories in every Artifact Registry location, never a project whose id merely starts the same way.
    [Theory]
    [InlineData("*-docker.pkg.dev/team-a-prod/**", "europe-docker.pkg.dev/team-a-prod/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "strict")]
    [InlineData("*-docker.pkg.dev/team-a-prod/**", "us-central1-docker.pkg.dev/team-a-prod/other/nested/app:1", "strict")]
    [InlineData("*-docker.pkg.dev/team-a-prod/**", "europe-docker.pkg.dev/team-a-prod-evil/repo/app:1", "weak")]
    [InlineData("*-docker.pkg.dev/team-a-prod/**", "europe-docker.pkg.dev/team-b/team-a-prod/app:1", "weak")]
    [InlineData("*-docker.pkg.dev/team-a-prod/**", "gcr.io/team-a-prod/app:1", "weak")]
    [InlineData("europe-docker.pkg.dev/team-a-prod/**", "us-docker.pkg.dev/team-a-prod/repo/app:1", "weak")]
    public void Match_RuleScopedToOneProject_CoversThatProjectOnly(string strictScope, string image, string expected)
    {
        Assert.Equal(expected, TwoRules(strictScope).Match(ImageReference.Parse(image))?.Name);
    }

    [Fact]
    public void Parse_ScopeWithInvalidPort_ErrorNamesFileLineAndPath()
    {
        var yaml = Policy("registry.example:70000/p/**");

        var error = Assert.Throws<ConfigurationException>(() => TrustPolicyLoader.Parse(yaml, "policy.yaml", Path.GetTempPath()));

        Assert.StartsWith("policy.yaml:6: rules[0].scope[0]: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("port", error.Message, StringComparison.Ordinal);
    }

    private static TrustPolicy TwoRules(string strictScope) => TrustPolicyLoader.Parse(Policy(strictScope), "policy.yaml", Path.GetTempPath());

    private static string Policy(string strictScope) => $"""
        apiVersion: imagetrust.dev/v1
        kind: TrustPolicy
        rules:
          - name: strict
            scope:
              - '{strictScope}'
            authorities: [{"{"}key: {"{"}kms: '{Kms}'{"}"}{"}"}]
            threshold: 1
          - name: weak
            scope: ['**']
            authorities: [{"{"}key: {"{"}kms: '{Kms}'{"}"}{"}"}]
            mode: warn
        """;
}
