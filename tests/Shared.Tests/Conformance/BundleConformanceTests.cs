using System.Security.Cryptography;
using ImageTrust.Cli;
using ImageTrust.Model;
using Xunit.Abstractions;

namespace ImageTrust.Shared.Tests.Conformance;

/// <summary>
/// Runs every case of the sigstore-conformance bundle-verify suite (vectors in Conformance/vectors, Apache-2.0, see its
/// README) through <see cref="BundleFileVerification"/> (the CLI's verify-bundle), with the artifact file and with its digest: 2 × 70 calls.
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

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var vector in ConformanceExpectations.Vectors)
        {
            data.Add(vector, false);
            data.Add(vector, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerifyBundle_ConformanceCase_VerifiesOrFailsForItsReason(string caseName, bool byDigest)
    {
        var expectedFailure = ConformanceExpectations.ExpectedFailure(caseName);

        var (verified, reasonCode, detail) = Run(caseName, byDigest);

        if (expectedFailure is null)
        {
            Assert.True(verified, $"{caseName} ({(byDigest ? "digest" : "file")}): expected success, got {reasonCode}: {detail}");
        }
        else
        {
            Assert.False(verified, $"{caseName} ({(byDigest ? "digest" : "file")}) verified but must fail with {expectedFailure}");
            Assert.True(expectedFailure == reasonCode, $"{caseName} ({(byDigest ? "digest" : "file")}): expected {expectedFailure}, got {reasonCode}: {detail}");
        }
    }

    [Fact]
    public void VerifyBundle_WholeSuite_EveryCaseAsExpected()
    {
        var failures = new List<string>();
        var total = 0;
        foreach (var vector in ConformanceExpectations.Vectors)
        {
            foreach (var byDigest in new[] { false, true })
            {
                total++;
                var expectedFailure = ConformanceExpectations.ExpectedFailure(vector);
                var (verified, reasonCode, detail) = Run(vector, byDigest);
                if (expectedFailure is null ? !verified : verified || reasonCode != expectedFailure)
                {
                    failures.Add($"{vector} ({(byDigest ? "digest" : "file")}): expected {expectedFailure ?? "success"}, got {(verified ? "success" : reasonCode + ": " + detail)}");
                }
            }
        }

        _output.WriteLine($"sigstore-conformance bundle-verify: {total - failures.Count}/{total} as expected, each failure for its reason");
        failures.ForEach(failure => _output.WriteLine("  FAILED " + failure));
        Assert.Equal(140, total);
        Assert.Empty(failures);
    }

    private static (bool Verified, string ReasonCode, string Detail) Run(string caseName, bool byDigest)
    {
        var directory = Path.Combine(ConformanceExpectations.SuitePath, caseName);
        var artifactPath = File.Exists(Path.Combine(directory, "artifact")) ? Path.Combine(directory, "artifact") : Path.Combine(ConformanceExpectations.SuitePath, "a.txt");
        var artifact = byDigest ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(artifactPath))) : artifactPath;
        var keyPath = Path.Combine(directory, "key.pub");
        var trustedRoot = Path.Combine(directory, "trusted_root.json");
        var identity = File.Exists(Path.Combine(directory, "identity")) ? File.ReadAllText(Path.Combine(directory, "identity")).Trim() : DefaultIdentity;
        var issuer = File.Exists(Path.Combine(directory, "issuer")) ? File.ReadAllText(Path.Combine(directory, "issuer")).Trim() : DefaultIssuer;
        var keyBased = File.Exists(keyPath);
        try
        {
            var result = BundleFileVerification.Run(
                Path.Combine(directory, "bundle.sigstore.json"),
                artifact,
                keyBased ? null : identity,
                keyBased ? null : issuer,
                keyBased ? keyPath : null,
                File.Exists(trustedRoot) ? trustedRoot : null);
            var failure = result.Checks.FirstOrDefault(check => !check.Passed);
            return (result.Verified, failure?.ReasonCode ?? "OK", failure is null ? string.Empty : $"{failure.Step}: {failure.Detail}");
        }
        catch (ConfigurationException e)
        {
            return (false, ConformanceExpectations.ConfigurationError, e.Message);
        }
    }
}
