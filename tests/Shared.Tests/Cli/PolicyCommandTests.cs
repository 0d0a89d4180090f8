using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class PolicyCommandTests : IDisposable
{
    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public PolicyCommandTests()
    {
        _directory.Write("keys/release.pub", PolicyTestFiles.EcPublicKeyPem);
        _cli = new CliHarness(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Init_KeyAndScope_WritesMinimalEnforcingPolicyThatLoads()
    {
        var (exitCode, output, _) = await _cli.RunAsync("policy", "init", "--key", "keys/release.pub", "--scope", "europe-docker.pkg.dev/p/repo/**", "--output", "policies/policy.yaml");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var policy = TrustPolicyLoader.Load(Path.Combine(_directory.Path, "policies", "policy.yaml"));
        var rule = Assert.Single(policy.Rules);
        Assert.Equal(EnforcementMode.Enforce, rule.Mode);
        Assert.Null(rule.SignatureGracePeriod);
        Assert.True(rule.RequireTlog);
        Assert.Equal(1, rule.Threshold);
        var key = Assert.IsType<KeyAuthority>(Assert.Single(rule.Authorities));
        Assert.Equal(PolicyTestFiles.EcPublicKeyPem, key.PublicKeyPem);
        Assert.True(rule.Covers(ImageReference.Parse("europe-docker.pkg.dev/p/repo/app:1")));
        Assert.Contains("path: \"../keys/release.pub\"", File.ReadAllText(Path.Combine(_directory.Path, "policies", "policy.yaml")), StringComparison.Ordinal);
        Assert.Contains("wrote policies/policy.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_IgnoreTlogWarnGrace_PolicySaysSo()
    {
        var (exitCode, _, _) = await _cli.RunAsync(
            "policy", "init", "--key", "keys/release.pub", "--scope", "127.0.0.1:5000/**", "--scope", "localhost:5000/*",
            "--insecure-ignore-tlog", "--mode", "warn", "--signature-grace-period", "1h30m", "--output", "policy.yaml");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var rule = Assert.Single(TrustPolicyLoader.Load(Path.Combine(_directory.Path, "policy.yaml")).Rules);
        Assert.False(rule.RequireTlog);
        Assert.Equal(EnforcementMode.Warn, rule.Mode);
        Assert.Equal(TimeSpan.FromMinutes(90), rule.SignatureGracePeriod);
        Assert.Equal(["127.0.0.1:5000/**", "localhost:5000/*"], rule.Scopes.Select(scope => scope.Pattern));
    }

    [Fact]
    public async Task Init_KmsKeyToStdout_WritesKmsAuthority()
    {
        const string kms = "gcpkms://projects/acme-prod/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1";

        var (exitCode, output, _) = await _cli.RunAsync("policy", "init", "--key", kms, "--scope", "a.io/**", "--output", "-");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var key = Assert.IsType<KeyAuthority>(Assert.Single(Assert.Single(TrustPolicyLoader.Parse(output, "stdout", _directory.Path).Rules).Authorities));
        Assert.Equal(kms, key.KmsKeyUri);
    }

    [Theory]
    [InlineData("policy", "init", "--key", "keys/missing.pub", "--scope", "a.io/**", "--output", "p.yaml")]
    [InlineData("policy", "init", "--key", "keys/release.pub", "--scope", "a.io/$x", "--output", "p.yaml")]
    [InlineData("policy", "init", "--key", "keys/release.pub", "--output", "p.yaml")]
    [InlineData("policy", "init", "--key", "keys/release.pub", "--scope", "a.io/**")]
    [InlineData("policy", "init", "--key", "keys/release.pub", "--scope", "a.io/**", "--output", "p.yaml", "--signature-grace-period", "ten minutes")]
    [InlineData("policy", "init", "--key", "keys/release.pub", "--scope", "a.io/**", "--output", "p.yaml", "--mode", "block")]
    public async Task Init_BadInput_Exits2AndWritesNothing(params string[] args)
    {
        var (exitCode, _, error) = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "p.yaml")));
        Assert.StartsWith("imagetrust: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_ExistingFile_Exits2UnlessForced()
    {
        _directory.Write("p.yaml", "keep me");

        var (refused, _, error) = await _cli.RunAsync("policy", "init", "--key", "keys/release.pub", "--scope", "a.io/**", "--output", "p.yaml");
        Assert.Equal(ExitCodes.UsageOrConfiguration, refused);
        Assert.Contains("already exists", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(_directory.Path, "p.yaml")));

        var (forced, _, _) = await _cli.RunAsync("policy", "init", "--key", "keys/release.pub", "--scope", "a.io/**", "--output", "p.yaml", "--force");
        Assert.Equal(ExitCodes.Verified, forced);
        Assert.Single(TrustPolicyLoader.Load(Path.Combine(_directory.Path, "p.yaml")).Rules);
    }

    [Fact]
    public async Task Validate_Example_Exits0()
    {
        var (exitCode, output, _) = await _cli.RunAsync("policy", "validate", PolicyTestFiles.ExamplePolicyPath);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Contains("valid, 2 rules (production, staging), version sha256:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Invalid_Exits2WithLineAndPath()
    {
        _directory.Write("bad.yaml", "apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{key: {path: keys/release.pub}}]\n    mode: block\n");

        var (exitCode, output, error) = await _cli.RunAsync("policy", "validate", "bad.yaml", "--output", "json");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("bad.yaml:7: rules[0].mode:", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.StartsWith("bad.yaml:7: rules[0].mode:", json.RootElement.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_KyvernoToFile_WritesSchemaValidYamlOnePerRule()
    {
        _directory.Write("policy.yaml", """
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: app
                scope: [europe-docker.pkg.dev/p/app/**]
                authorities:
                  - key: {path: keys/release.pub}
              - name: base
                scope: [europe-docker.pkg.dev/p/base/*]
                authorities:
                  - keyless: {identity: ci@example.com, issuer: https://issuer.example}
            """);

        var (exitCode, output, error) = await _cli.RunAsync("policy", "export", "--format", "kyverno", "policy.yaml", "--output", "out/kyverno.yaml");

        Assert.True(exitCode == ExitCodes.Verified, error);
        Assert.Equal("wrote out/kyverno.yaml: 2 ImageValidatingPolicy resource(s)\n", output.ReplaceLineEndings("\n"));
        var documents = ImageTrust.Shared.Tests.Policy.Export.CrdSchemaValidator.YamlDocuments(File.ReadAllText(Path.Combine(_directory.Path, "out", "kyverno.yaml")));
        Assert.Equal(["imagetrust-app", "imagetrust-base"], documents.Select(d => d["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Export_RuleTargetCannotExpress_Exits2NamingRuleAndConstructAndWritesNothing()
    {
        _directory.Write("policy.yaml", """
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: two-keys
                scope: [europe-docker.pkg.dev/p/app/**]
                authorities:
                  - key: {path: keys/release.pub}
                  - keyless: {identity: ci@example.com, issuer: https://issuer.example}
                threshold: 2
            """);

        var (exitCode, output, error) = await _cli.RunAsync("policy", "export", "--format=policy-controller", "policy.yaml", "-o", "cip.yaml");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Empty(output);
        Assert.Contains("imagetrust: can't export rule 'two-keys': threshold 2 of 2: policy-controller admits an image when any one authority verifies", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "cip.yaml")));
    }
}
