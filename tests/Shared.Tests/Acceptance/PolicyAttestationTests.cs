using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Verification;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Acceptance;

/// <summary>
/// A policy rule that requires an attestation (SLSA provenance from the CI identity with a builder-id condition), applied by
/// <c>imagetrust verify --policy</c> to sigstore-js-signed images in a real docker-registry.
/// </summary>
public sealed class PolicyAttestationTests : IClassFixture<FixtureRegistry>
{
    private readonly FixtureRegistry _registry;

    public PolicyAttestationTests(FixtureRegistry registry)
    {
        _registry = registry;
    }

    [Fact]
    public async Task VerifyPolicy_ProvenanceRequiredAndPresent_Verified()
    {
        var (exitCode, output) = await VerifyAsync("sigstore-js/with-provenance", "https://github.com/example/ci");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task VerifyPolicy_ProvenanceConditionNotMet_Failed()
    {
        var (exitCode, output) = await VerifyAsync("sigstore-js/with-provenance", "https://github.com/other/ci");

        Assert.True(exitCode == 1, output);
        Assert.Contains(AttestedImageVerifier.AttestationRequirementNotMet, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPolicy_ProvenanceRequiredButAbsent_Failed()
    {
        var (exitCode, output) = await VerifyAsync("sigstore-js/keyless-signed", "https://github.com/example/ci");

        Assert.True(exitCode == 1, output);
        Assert.Contains(AttestedImageVerifier.AttestationRequirementNotMet, output, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output)> VerifyAsync(string repository, string builderId)
    {
        var signed = _registry.Fixtures.Scenario("bundle-keyless-signed");
        var directory = Directory.CreateTempSubdirectory("imagetrust-policy-");
        var policy = Path.Combine(directory.FullName, "policy.yaml");
        await File.WriteAllTextAsync(policy, $$"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: with-provenance
                scope: ["{{_registry.HostPort}}/sigstore-js/**"]
                authorities:
                  - name: ci
                    keyless:
                      identity: {{signed.Flag("certificate-identity")}}
                      issuer: {{signed.Flag("certificate-oidc-issuer")}}
                      trust: {trustedRoot: {{signed.Flag("trusted-root")}}}
                attestations:
                  - predicateType: https://slsa.dev/provenance/v1
                    conditions:
                      - path: runDetails.builder.id
                        equals: {{builderId}}
            """);
        var digest = _registry.Fixtures.Repositories.Single(r => r.Name == repository).Tags["v1"];
        string[] arguments = ["verify", $"{_registry.HostPort}/{repository}@{digest}", "--policy", policy, "--allow-http-registry", "--output", "json"];
        var output = new StringWriter();
        var error = new StringWriter();
        try
        {
            var exitCode = await CliApplication.RunAsync(arguments, ProductionServices.Create(), new CliConsole(output, error, _ => null, directory.FullName));
            return (exitCode, output + error.ToString());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
