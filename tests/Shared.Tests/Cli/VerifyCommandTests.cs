using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class VerifyCommandTests : IDisposable
{
    private const string Image = "127.0.0.1:5000/app/api:v1";

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public VerifyCommandTests()
    {
        _directory.Write("release.pub", PolicyTestFiles.EcPublicKeyPem);
        _cli = new CliHarness(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Verify_KeySigned_Exits0WithKeyRule()
    {
        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.StartsWith($"Verified {Image}@{CliHarness.Digest}", output, StringComparison.Ordinal);
        var (image, rule) = Assert.Single(_cli.ImageVerifier.Calls);
        Assert.Equal(Image, image.ToString());
        Assert.Equal(1, rule.Threshold);
        Assert.True(rule.RequireTlog);
        Assert.True(rule.RequireSct);
        Assert.Equal(EnforcementMode.Enforce, rule.Mode);
        var key = Assert.IsType<KeyAuthority>(Assert.Single(rule.Authorities));
        Assert.Equal(PolicyTestFiles.EcPublicKeyPem, key.PublicKeyPem);
        Assert.Null(key.Trust);
    }

    [Fact]
    public async Task Verify_Unsigned_Exits1NamingTheSigTag()
    {
        _cli.ImageVerifier = new FakeImageVerifier((image, _) => CliHarness.Unsigned(image));

        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("Verification FAILED", output, StringComparison.Ordinal);
        Assert.Contains($"no signatures found at 127.0.0.1:5000/app/api:sha256-{CliHarness.Digest[7..]}.sig", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WrongKeyJson_HasImageDigestVerdictSignaturesAndReasons()
    {
        _cli.ImageVerifier = new FakeImageVerifier((image, _) => CliHarness.WrongKey(image));

        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--output", "json");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal($"{Image}@{CliHarness.Digest}", root.GetProperty("image").GetString());
        Assert.Equal(CliHarness.Digest, root.GetProperty("digest").GetString());
        Assert.False(root.GetProperty("verified").GetBoolean());
        Assert.Equal("SIGNATURE_INVALID", root.GetProperty("reasons")[0].GetString());
        var signature = root.GetProperty("signatures")[0];
        Assert.Equal("classic-key", signature.GetProperty("kind").GetString());
        Assert.False(signature.GetProperty("verified").GetBoolean());
        Assert.Equal("SIGNATURE_INVALID", signature.GetProperty("reason").GetString());
        Assert.Contains("does not verify", signature.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SignedJson_ReportsSignerAndTlog()
    {
        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "-o", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.True(root.GetProperty("verified").GetBoolean());
        Assert.Equal(0, root.GetProperty("reasons").GetArrayLength());
        Assert.Equal("command-line", root.GetProperty("rule").GetString());
        var signature = root.GetProperty("signatures")[0];
        Assert.True(signature.GetProperty("verified").GetBoolean());
        Assert.Equal("OK", signature.GetProperty("reason").GetString());
        Assert.Equal(4242, signature.GetProperty("tlogIndex").GetInt64());
        Assert.StartsWith("ab12cd34", signature.GetProperty("keyId").GetString(), StringComparison.Ordinal);
        Assert.Equal("release.pub", root.GetProperty("satisfiedAuthorities")[0].GetString());
    }

    [Theory]
    [InlineData("verify", Image, "--key", "release.pub", "--certificate-identity", "me@example.com")]
    [InlineData("verify", Image, "--key", "release.pub", "--certificate-oidc-issuer-regexp", ".*")]
    [InlineData("verify", Image, "--key", "release.pub", "--ca-roots", "release.pub")]
    [InlineData("verify", Image, "--certificate-identity", "me@example.com")]
    [InlineData("verify", Image, "--certificate-oidc-issuer", "https://issuer")]
    [InlineData("verify", Image, "--certificate-identity", "a", "--certificate-identity-regexp", "b", "--certificate-oidc-issuer", "https://issuer")]
    [InlineData("verify", Image, "--certificate-identity-regexp", "(", "--certificate-oidc-issuer", "https://issuer")]
    [InlineData("verify", Image, "--certificate-identity", "a", "--certificate-oidc-issuer", "i", "--ca-intermediates", "release.pub")]
    [InlineData("verify", Image, "--certificate-identity", "a", "--certificate-oidc-issuer", "i", "--trusted-root", "missing.json")]
    [InlineData("verify", Image)]
    [InlineData("verify", Image, "--key", "missing.pub")]
    [InlineData("verify", Image, "--key", "awskms://key")]
    [InlineData("verify", "Not An Image!", "--key", "release.pub")]
    [InlineData("verify", Image, "--key", "release.pub", "--no-such-flag")]
    [InlineData("verify", Image, "--key", "release.pub", "--output", "yaml")]
    [InlineData("verify", "--key", "release.pub")]
    [InlineData("verify", Image, "--policy", "p.yaml", "--key", "release.pub")]
    [InlineData("verify-attestation", Image, "--key", "release.pub", "--type", "not a uri")]
    [InlineData("no-such-command")]
    [InlineData]
    public async Task Run_BadUsage_Exits2WithoutCallingTheVerifier(params string[] args)
    {
        var (exitCode, output, error) = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Empty(_cli.ImageVerifier.Calls);
        Assert.Empty(output);
        Assert.StartsWith("imagetrust: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PrivateKeyFile_Exits2SayingSo()
    {
        _directory.Write("cosign.key", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "cosign.key");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("--key cosign.key: PEM block is 'ENCRYPTED SIGSTORE PRIVATE KEY'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_KeylessFlags_BuildKeylessAuthorityWithTrustMaterial()
    {
        _directory.Write("fulcio.pem", "roots");
        _directory.Write("rekor.pub", "rekor");

        var (exitCode, _, _) = await _cli.RunAsync(
            "verify", Image,
            "--certificate-identity-regexp", "^https://github\\.com/acme/",
            "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com",
            "--ca-roots", "fulcio.pem",
            "--rekor-public-key", "rekor.pub",
            "--insecure-ignore-sct");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var rule = Assert.Single(_cli.ImageVerifier.Calls).Rule;
        var keyless = Assert.IsType<KeylessAuthority>(Assert.Single(rule.Authorities));
        Assert.True(keyless.Identity.IsMatch("https://github.com/acme/app/.github/workflows/r.yml@refs/heads/main"));
        Assert.False(keyless.Identity.IsMatch("https://github.com/evil/acme/"));
        Assert.Equal("https://token.actions.githubusercontent.com", keyless.Issuer.Exact);
        Assert.Equal(Path.Combine(_directory.Path, "fulcio.pem"), keyless.Trust.CaRootsPath);
        Assert.Equal(Path.Combine(_directory.Path, "rekor.pub"), keyless.Trust.RekorPublicKeyPath);
        Assert.Null(keyless.Trust.TrustedRootPath);
        Assert.False(rule.RequireSct);
        Assert.True(rule.RequireTlog);
    }

    [Fact]
    public async Task Verify_InsecureIgnoreTlogAndRekorKey_RuleSaysSo()
    {
        _directory.Write("rekor.pub", "rekor");

        var (exitCode, _, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--insecure-ignore-tlog", "--rekor-public-key", "rekor.pub");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var rule = Assert.Single(_cli.ImageVerifier.Calls).Rule;
        Assert.False(rule.RequireTlog);
        var key = Assert.IsType<KeyAuthority>(Assert.Single(rule.Authorities));
        Assert.Equal(Path.Combine(_directory.Path, "rekor.pub"), key.Trust?.RekorPublicKeyPath);
    }

    [Fact]
    public async Task Verify_KmsKey_KeyAuthorityWithKmsUri()
    {
        const string kms = "gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1";

        var (exitCode, _, _) = await _cli.RunAsync("verify", Image, "--key", kms);

        Assert.Equal(ExitCodes.Verified, exitCode);
        var key = Assert.IsType<KeyAuthority>(Assert.Single(Assert.Single(_cli.ImageVerifier.Calls).Rule.Authorities));
        Assert.Equal(kms, key.KmsKeyUri);
        Assert.Null(key.PublicKeyPem);
    }

    [Fact]
    public async Task Verify_AllowHttpRegistryBoolean_ImageRegistryPlainHttpWhenOnlyHttpAnswers()
    {
        _cli.SetEnvironment("IMAGETRUST_HTTP_REGISTRIES", "localhost:5001");

        var (exitCode, _, error) = await _cli.RunAsync("verify", "--key", "release.pub", "--allow-http-registry", Image);

        Assert.True(exitCode == ExitCodes.Verified, error);
        Assert.Equal([("127.0.0.1:5000", false)], _cli.Probes);
        var access = Assert.Single(_cli.RegistryAccesses);
        Assert.Equal(["localhost:5001", "127.0.0.1:5000"], access.PlainHttpRegistries);
        Assert.Null(access.InsecureTlsRegistry);
    }

    [Fact]
    public async Task Verify_AllowHttpRegistryToHttpsRegistry_StaysHttps()
    {
        _cli.RegistrySpeaksOnlyPlainHttp = false;

        var (exitCode, _, _) = await _cli.RunAsync("verify", "--key=release.pub", "--allow-http-registry=true", Image);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Single(_cli.Probes);
        Assert.Empty(Assert.Single(_cli.RegistryAccesses).PlainHttpRegistries);
    }

    [Fact]
    public async Task Verify_NoAllowFlags_NoProbeAndHttpsOnly()
    {
        var (exitCode, _, _) = await _cli.RunAsync("verify", "--key", "release.pub", "--allow-http-registry=false", Image);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Empty(_cli.Probes);
        Assert.Empty(Assert.Single(_cli.RegistryAccesses).PlainHttpRegistries);
    }

    [Fact]
    public async Task Verify_AllowInsecureRegistry_ImageRegistryCertificateUncheckedAndHttpAllowed()
    {
        _cli.RegistrySpeaksOnlyPlainHttp = false;

        var (exitCode, _, _) = await _cli.RunAsync("verify", "--key", "release.pub", "--allow-insecure-registry", "REGISTRY.example:0443/app/api:v1");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Equal([("registry.example", true)], _cli.Probes);
        var access = Assert.Single(_cli.RegistryAccesses);
        Assert.Equal("registry.example", access.InsecureTlsRegistry);
        Assert.Empty(access.PlainHttpRegistries);
    }

    [Fact]
    public async Task Verify_AllowHttpRegistryWithHostValue_Exits2NamingTheFlag()
    {
        // The old value form: the host is now an extra argument (pflag reads a boolean flag's next word as an argument).
        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--allow-http-registry", "127.0.0.1:5000");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("127.0.0.1:5000", error, StringComparison.Ordinal);
        Assert.Empty(_cli.ImageVerifier.Calls);
    }

    [Fact]
    public async Task Verify_TransientFailure_Exits3NamingTheCause()
    {
        _cli.ImageVerifier = new FakeImageVerifier((_, _) => throw new TransientFailureException("registry 127.0.0.1:1 is unreachable", new HttpRequestException("Connection refused")));

        var (exitCode, output, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--output", "json");

        Assert.Equal(ExitCodes.Transient, exitCode);
        // A loopback registry: cosign would also have tried plain HTTP there, so one more line says which flag does that here.
        Assert.Equal(
            "imagetrust: registry 127.0.0.1:1 is unreachable: Connection refused\n"
            + "imagetrust: 127.0.0.1:5000 may be a plain-HTTP registry: cosign tries HTTP there without a flag, ImageTrust only with --allow-http-registry (or IMAGETRUST_HTTP_REGISTRIES)\n",
            error.ReplaceLineEndings("\n"));
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal("TRANSIENT_FAILURE", json.RootElement.GetProperty("reasons")[0].GetString());
        Assert.Equal(Image, json.RootElement.GetProperty("image").GetString());
    }

    [Fact]
    public async Task Verify_RawNetworkError_Exits3()
    {
        _cli.ImageVerifier = new FakeImageVerifier((_, _) => throw new HttpRequestException("Connection refused (127.0.0.1:1)"));

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.Transient, exitCode);
        Assert.Contains("network error: Connection refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ImageNotFound_Exits1()
    {
        _cli.ImageVerifier = new FakeImageVerifier((_, _) => throw new RegistryNotFoundException("127.0.0.1:5000/app/api:v1"));

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("not found: 127.0.0.1:5000/app/api:v1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DigestMismatchFromRegistry_Exits1WithReason()
    {
        _cli.ImageVerifier = new FakeImageVerifier((_, _) => throw new RegistryProtocolException("DIGEST_MISMATCH", "manifest content does not match sha256:…"));

        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--output", "json");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("\"DIGEST_MISMATCH\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PolicyCoveringImage_UsesItsRule()
    {
        _directory.Write("policy.yaml", PolicyYaml("127.0.0.1:5000/app/**", "threshold: 1\n    tlog: insecure-ignore\n    mode: warn\n"));

        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--policy", "policy.yaml", "-o", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var rule = Assert.Single(_cli.ImageVerifier.Calls).Rule;
        Assert.Equal("apps", rule.Name);
        Assert.False(rule.RequireTlog);
        Assert.Equal(EnforcementMode.Warn, rule.Mode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("apps", json.RootElement.GetProperty("rule").GetString());
        Assert.StartsWith("sha256:", json.RootElement.GetProperty("policyVersion").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/app/**", "127.0.0.1:05000/app/api:v1", "127.0.0.1:5000/app/api")]
    [InlineData("registry.example/app/**", "REGISTRY.example:443/app/api:v1", "registry.example/app/api")]
    [InlineData("REGISTRY.example:05000/app/**", "registry.example:5000/app/api:v1", "registry.example:5000/app/api")]
    [InlineData("docker.io/library/**", "index.docker.io/nginx:1", "docker.io/library/nginx")]
    [InlineData("index.docker.io/library/nginx", "nginx:1", "docker.io/library/nginx")]
    public async Task Verify_PolicyRegistrySpelledDifferently_UsesTheStrictRule(string strictScope, string image, string canonical)
    {
        _directory.Write("policy.yaml", $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: strict
                scope: ["{strictScope}"]
                authorities: [{"{"}key: {"{"}path: release.pub{"}"}{"}"}]
              - name: weak
                scope: ["**"]
                authorities: [{"{"}key: {"{"}path: release.pub{"}"}{"}"}]
                tlog: insecure-ignore
                mode: warn
            """);

        var (exitCode, output, _) = await _cli.RunAsync("verify", image, "--policy", "policy.yaml", "-o", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var (verified, rule) = Assert.Single(_cli.ImageVerifier.Calls);
        Assert.Equal("strict", rule.Name);
        Assert.True(rule.RequireTlog);
        Assert.Equal(canonical, verified.RepositoryName);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("strict", json.RootElement.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Verify_CheckDockerReferenceFlag_RuleRequiresIt()
    {
        var (exitCode, _, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--check-docker-reference");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.True(Assert.Single(_cli.ImageVerifier.Calls).Rule.RequireDockerReference);
    }

    [Fact]
    public async Task Verify_CheckDockerReferenceFlagWithPolicy_StrengthensThePolicyRule()
    {
        _directory.Write("policy.yaml", PolicyYaml("127.0.0.1:5000/app/**", "dockerReference: warn\n"));

        await _cli.RunAsync("verify", Image, "--policy", "policy.yaml", "--check-docker-reference");
        await _cli.RunAsync("verify", Image, "--policy", "policy.yaml");

        Assert.Equal([true, false], _cli.ImageVerifier.Calls.Select(call => call.Rule.RequireDockerReference));
    }

    [Fact]
    public async Task Verify_VerifiedWithReferenceWarning_JsonAndTextCarryIt()
    {
        var mismatch = CheckResult.Fail("docker-reference", "IDENTITY_MISMATCH", "the payload's docker-reference other.io/x is not this image's repository 127.0.0.1:5000/app/api");
        _cli.ImageVerifier = new FakeImageVerifier((image, _) => CliHarness.Signed(image) with { Warnings = [mismatch] });

        var (jsonExit, json, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "-o", "json");
        var (textExit, text, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.Verified, jsonExit);
        Assert.Equal(ExitCodes.Verified, textExit);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("IDENTITY_MISMATCH", Assert.Single(document.RootElement.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Contains("IDENTITY_MISMATCH: the payload's docker-reference other.io/x", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoWarnings_JsonOmitsWarnings()
    {
        var (_, json, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "-o", "json");

        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.TryGetProperty("warnings", out _));
    }

    [Fact]
    public async Task Verify_PolicyNotCoveringImage_Exits1WithNoMatchingRule()
    {
        _directory.Write("policy.yaml", PolicyYaml("europe-docker.pkg.dev/**", string.Empty));

        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--policy", "policy.yaml", "--output", "json");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Empty(_cli.ImageVerifier.Calls);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("NO_MATCHING_RULE", json.RootElement.GetProperty("reasons")[0].GetString());
        Assert.False(json.RootElement.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Verify_InvalidPolicy_Exits2NamingLine()
    {
        _directory.Write("policy.yaml", PolicyYaml("127.0.0.1:5000/**", "threshold: 5\n"));

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--policy", "policy.yaml");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("policy.yaml:8: rules[0].threshold: 5 exceeds the 1 authority of the rule", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--certificate-identity-regexp", @"^dev@example\.com\Z", @"\Z")]
    [InlineData("--certificate-oidc-issuer-regexp", @"^https://(?=accounts)", "(?=")]
    [InlineData("--certificate-identity-regexp", @"^\p{Greek}$", @"\p{Greek}")]
    public async Task Verify_RegexpFlagGoDoesNotAccept_Exits2NamingTheFlag(string flag, string pattern, string construct)
    {
        string[] args = flag == "--certificate-identity-regexp"
            ? ["verify", Image, flag, pattern, "--certificate-oidc-issuer", "https://accounts.google.com"]
            : ["verify", Image, "--certificate-identity", "dev@example.com", flag, pattern];

        var (exitCode, _, error) = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains(flag + ": ", error, StringComparison.Ordinal);
        Assert.Contains(construct, error, StringComparison.Ordinal);
        Assert.Empty(_cli.ImageVerifier.Calls);
    }

    [Fact]
    public async Task Verify_PolicyRegexpGoDoesNotAccept_Exits2NamingThePolicyPath()
    {
        _directory.Write("policy.yaml", """
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: apps
                scope: ["127.0.0.1:5000/**"]
                authorities:
                  - keyless:
                      identityRegexp: '^dev@example\.com\Z'
                      issuer: https://accounts.google.com
            """);

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--policy", "policy.yaml");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("policy.yaml:8: rules[0].authorities[0].keyless.identityRegexp: ", error, StringComparison.Ordinal);
        Assert.Contains(@"\Z", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_HttpRegistriesVariableSpelledDifferently_CanonicalLikeTheImage()
    {
        _cli.SetEnvironment("IMAGETRUST_HTTP_REGISTRIES", "Registry.Example:08080, 127.0.0.1:05000,[0::1]:5000");

        var (exitCode, _, _) = await _cli.RunAsync("verify", "127.0.0.1:05000/app/api:v1", "--key", "release.pub");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Empty(_cli.Probes);
        var access = Assert.Single(_cli.RegistryAccesses);
        Assert.Equal(["127.0.0.1:5000", "[::1]:5000", "registry.example:8080"], access.PlainHttpRegistries.Order(StringComparer.Ordinal));
        var options = RegistryClientOptions.FromEnvironment(access.PlainHttpRegistries);
        Assert.True(options.IsPlainHttp(Assert.Single(_cli.ImageVerifier.Calls).Image.Registry));
    }

    [Fact]
    public async Task Verify_HttpRegistriesVariableOnPort443_Exits2()
    {
        _cli.SetEnvironment("IMAGETRUST_HTTP_REGISTRIES", "registry.example:443");

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("IMAGETRUST_HTTP_REGISTRIES", error, StringComparison.Ordinal);
        Assert.Contains("443", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Exits0()
    {
        var (exitCode, output, _) = await _cli.RunAsync("verify", "--help");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Contains("--certificate-identity-regexp", output, StringComparison.Ordinal);
        Assert.Contains("imagetrust verify", output, StringComparison.Ordinal);
    }

    private static string PolicyYaml(string scope, string extra) => $"""
        apiVersion: imagetrust.dev/v1
        kind: TrustPolicy
        rules:
          - name: apps
            scope: ["{scope}"]
            authorities:
              - key: {"{"}path: release.pub{"}"}
            {extra}
        """;
}
