using System.Security.Cryptography;
using ImageTrust.Model;
using ImageTrust.Signing.Bundles;
using Xunit.Abstractions;

namespace ImageTrust.Shared.Tests.Conformance;

/// <summary>
/// Runs every case of the sigstore-conformance bundle-verify suite (vectors in Conformance/vectors, Apache-2.0, see its
/// README) through <see cref="VerifyBundleCommand"/>, with the artifact file and with its digest: 2 × 70 calls.
/// </summary>
public sealed class BundleConformanceTests
{
    private const string DefaultIdentity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string DefaultIssuer = "https://token.actions.githubusercontent.com";

    private readonly ITestOutputHelper _output;

    public BundleConformanceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static string SuitePath => Path.Combine(AppContext.BaseDirectory, "Conformance", "vectors", "sigstore-bundle-verify");

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var directory in Directory.GetDirectories(SuitePath).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(directory!, false);
            data.Add(directory!, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerifyBundle_ConformanceCase_MatchesExpectation(string caseName, bool byDigest)
    {
        var (expected, actual, reason) = Run(caseName, byDigest);

        Assert.True(expected == actual, $"{caseName} ({(byDigest ? "digest" : "file")}): expected {(expected ? "success" : "failure")}, got {reason}");
    }

    [Fact]
    public void VerifyBundle_WholeSuite_ReportsScore()
    {
        var failures = new List<string>();
        var total = 0;
        foreach (var directory in Directory.GetDirectories(SuitePath).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            foreach (var byDigest in new[] { false, true })
            {
                total++;
                var (expected, actual, reason) = Run(directory!, byDigest);
                if (!expected && byDigest)
                {
                    _output.WriteLine($"  expected failure {directory}: {reason}");
                }

                if (expected != actual)
                {
                    failures.Add($"{directory} ({(byDigest ? "digest" : "file")}): {reason}");
                }
            }
        }

        _output.WriteLine($"sigstore-conformance bundle-verify: {total - failures.Count}/{total} as expected");
        foreach (var failure in failures)
        {
            _output.WriteLine($"  FAILED {failure}");
        }

        Assert.Equal(140, total);
        Assert.True(total - failures.Count >= 137, string.Join("\n", failures));
    }

    private static (bool Expected, bool Actual, string Reason) Run(string caseName, bool byDigest)
    {
        var directory = Path.Combine(SuitePath, caseName);
        var expected = !caseName.EndsWith("_fail", StringComparison.Ordinal);
        var artifactPath = File.Exists(Path.Combine(directory, "artifact")) ? Path.Combine(directory, "artifact") : Path.Combine(SuitePath, "a.txt");
        var artifact = byDigest ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(artifactPath))) : artifactPath;
        var keyPath = Path.Combine(directory, "key.pub");
        var trustedRoot = Path.Combine(directory, "trusted_root.json");
        var identity = File.Exists(Path.Combine(directory, "identity")) ? File.ReadAllText(Path.Combine(directory, "identity")).Trim() : DefaultIdentity;
        var issuer = File.Exists(Path.Combine(directory, "issuer")) ? File.ReadAllText(Path.Combine(directory, "issuer")).Trim() : DefaultIssuer;
        var keyBased = File.Exists(keyPath);
        try
        {
            var result = VerifyBundleCommand.Run(
                Path.Combine(directory, "bundle.sigstore.json"),
                artifact,
                keyBased ? null : identity,
                keyBased ? null : issuer,
                keyBased ? keyPath : null,
                File.Exists(trustedRoot) ? trustedRoot : null);
            var failure = result.Checks.FirstOrDefault(check => !check.Passed);
            return (expected, result.Verified, result.Verified ? "success" : $"{failure?.Step} {failure?.ReasonCode}: {failure?.Detail}");
        }
        catch (ConfigurationException e)
        {
            return (expected, false, $"configuration error: {e.Message}");
        }
    }
}
