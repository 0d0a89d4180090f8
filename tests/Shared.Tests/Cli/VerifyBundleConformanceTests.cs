using System.Security.Cryptography;
using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Conformance;
using Xunit.Abstractions;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// <c>imagetrust verify-bundle</c> (in process, production services) over the sigstore-conformance bundle-verify vectors,
/// with the client protocol's arguments, once with the artifact file and once with its digest.
/// </summary>
public sealed class VerifyBundleConformanceTests
{
    private const string DefaultIdentity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string DefaultIssuer = "https://token.actions.githubusercontent.com";

    private readonly ITestOutputHelper _output;

    public VerifyBundleConformanceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task VerifyBundle_ConformanceSuiteThroughCli_140Of140EachFailureForItsReason()
    {
        var failures = new List<string>();
        var total = 0;
        foreach (var vector in ConformanceExpectations.Vectors)
        {
            var directory = Path.Combine(ConformanceExpectations.SuitePath, vector);
            foreach (var byDigest in new[] { false, true })
            {
                total++;
                var expectedFailure = ConformanceExpectations.ExpectedFailure(vector);
                var (exitCode, error) = await RunCaseAsync(directory, byDigest);
                Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
                var asExpected = expectedFailure switch
                {
                    null => exitCode == ExitCodes.Verified,
                    ConformanceExpectations.ConfigurationError => exitCode == ExitCodes.UsageOrConfiguration,
                    _ => exitCode == ExitCodes.VerificationFailed && error.Contains($": {expectedFailure}: ", StringComparison.Ordinal),
                };
                if (!asExpected)
                {
                    failures.Add($"{vector} ({(byDigest ? "digest" : "file")}): expected {expectedFailure ?? "success"}, got exit {exitCode} {error.Trim()}");
                }
            }
        }

        _output.WriteLine($"imagetrust verify-bundle: {total - failures.Count}/{total} as expected");
        failures.ForEach(_output.WriteLine);
        Assert.Equal(140, total);
        Assert.Empty(failures);
    }

    private static async Task<(int ExitCode, string Error)> RunCaseAsync(string directory, bool byDigest)
    {
        var artifactPath = File.Exists(Path.Combine(directory, "artifact")) ? Path.Combine(directory, "artifact") : Path.Combine(ConformanceExpectations.SuitePath, "a.txt");
        var args = new List<string> { "verify-bundle", "--bundle", Path.Combine(directory, "bundle.sigstore.json") };
        var keyPath = Path.Combine(directory, "key.pub");
        if (File.Exists(keyPath))
        {
            args.AddRange(["--key", keyPath]);
        }
        else
        {
            var identity = Path.Combine(directory, "identity");
            var issuer = Path.Combine(directory, "issuer");
            args.AddRange(["--certificate-identity", File.Exists(identity) ? File.ReadAllText(identity).Trim() : DefaultIdentity]);
            args.AddRange(["--certificate-oidc-issuer", File.Exists(issuer) ? File.ReadAllText(issuer).Trim() : DefaultIssuer]);
        }

        var trustedRoot = Path.Combine(directory, "trusted_root.json");
        if (File.Exists(trustedRoot))
        {
            args.AddRange(["--trusted-root", trustedRoot]);
        }

        args.Add(byDigest ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(artifactPath))) : artifactPath);
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync([.. args], ProductionServices.Create(), new CliConsole(output, error, _ => null, directory));
        return (exitCode, error.ToString());
    }
}
