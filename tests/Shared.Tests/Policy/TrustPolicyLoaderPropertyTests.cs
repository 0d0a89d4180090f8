using CsCheck;
using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Policy;

public sealed class TrustPolicyLoaderPropertyTests
{
    private static readonly string ExampleText = File.ReadAllText(PolicyTestFiles.ExamplePolicyPath);

    [Fact]
    public void Parse_ArbitraryYamlishText_LoadsOrThrowsConfigurationException()
    {
        var chars = Gen.Char["abkeyrulsnm019 :-[]{},&*!|>'\"#?%@`\n\t\\~."];
        Gen.String[chars, 0, 200].Sample(text => AssertLoadsOrRefuses(text), iter: 3000);
    }

    [Fact]
    public void Parse_ArbitraryUnicode_LoadsOrThrowsConfigurationException()
    {
        Gen.String.Sample(text => AssertLoadsOrRefuses(text), iter: 2000);
    }

    [Fact]
    public void Parse_MutatedExample_LoadsOrThrowsConfigurationException()
    {
        var inserts = Gen.Char[" :-[]{},&*!|>'\"#\n\t0123456789abcz"].Array[0, 8];
        Gen.Select(Gen.Int[0, ExampleText.Length], Gen.Int[0, 20], inserts).Sample((position, deleteCount, insert) =>
        {
            var deleted = ExampleText.Remove(position, Math.Min(deleteCount, ExampleText.Length - position));
            AssertLoadsOrRefuses(deleted.Insert(position, new string(insert)));
        }, iter: 300);
    }

    [Fact]
    public void Parse_DeeplyNested_ThrowsConfigurationException()
    {
        var deep = "rules: " + new string('[', 100_000) + new string(']', 100_000);

        var error = Assert.Throws<ConfigurationException>(() => TrustPolicyLoader.Parse(deep, "policy.yaml", Path.GetTempPath()));

        Assert.Contains("nesting is deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValuesOfEveryType_InEveryField_NeverCrash()
    {
        string[] values = ["1", "-1", "0", "1.5", "1e400", "99999999999999999999999", "true", "~", "''", "[]", "{}", "[1, a]", "{a: 1}", "!!str 5", "!!int x", "0x10", ".inf"];
        string[] fields = ["threshold", "tlog", "mode", "signatureGracePeriod", "multiArch", "formats", "attestations", "vulnerabilities", "scope", "authorities", "name"];
        foreach (var field in fields)
        {
            foreach (var value in values)
            {
                var yaml = $"apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{{key: {{kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}}}}]\n    {field}: {value}\n";
                AssertLoadsOrRefuses(yaml.Replace($"    {field}: {value}\n", string.Empty, StringComparison.Ordinal) + $"    {field}: {value}\n");
            }
        }
    }

    private static void AssertLoadsOrRefuses(string text)
    {
        try
        {
            var policy = TrustPolicyLoader.Parse(text, "policy.yaml", Path.GetTempPath());
            Assert.NotEmpty(policy.Rules);
            Assert.All(policy.Rules, rule => Assert.InRange(rule.Threshold, 1, rule.Authorities.Count));
        }
        catch (ConfigurationException e)
        {
            Assert.StartsWith("policy.yaml:", e.Message, StringComparison.Ordinal);
        }
    }
}
