using ImageTrust.Cli;
using ImageTrust.Policy;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// One test per row of docs/cosign-flags.md (the rows are <see cref="CosignFlags"/>): each flag cosign 3.x's <c>verify</c>,
/// <c>verify-attestation</c> and <c>verify-blob</c> take, with Go's pflag forms (<c>--flag=value</c>, <c>--flag value</c>;
/// booleans <c>--flag</c>, <c>--flag=true|false</c>, never <c>--flag false</c>), as cosign's sources declare them.
/// </summary>
public sealed class CosignFlagTableTests : IDisposable
{
    private const string Image = "registry.example/app/api@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    private static readonly string[] Keyless = ["--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://issuer.example"];

    // A valid command line around each supported flag: the flag's own words first, then what the command needs besides.
    private static readonly Dictionary<string, string[]> ImageSamples = new(StringComparer.Ordinal)
    {
        ["key"] = ["--key", "release.pub"],
        ["certificate-identity"] = ["--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://issuer.example"],
        ["certificate-identity-regexp"] = ["--certificate-identity-regexp", "^dev@", "--certificate-oidc-issuer", "https://issuer.example"],
        ["certificate-oidc-issuer"] = ["--certificate-oidc-issuer", "https://issuer.example", "--certificate-identity", "dev@example.com"],
        ["certificate-oidc-issuer-regexp"] = ["--certificate-oidc-issuer-regexp", "^https://", "--certificate-identity", "dev@example.com"],
        ["ca-roots"] = ["--ca-roots", "roots.pem", .. Keyless],
        ["ca-intermediates"] = ["--ca-intermediates", "roots.pem", "--ca-roots", "roots.pem", .. Keyless],
        ["trusted-root"] = ["--trusted-root", "trusted_root.json", .. Keyless],
        ["timeout"] = ["--timeout", "90s", "--key", "release.pub"],
        ["output"] = ["--output", "json", "--key", "release.pub"],
        ["type"] = ["--type", "slsaprovenance1", "--key", "release.pub"],
        ["max-workers"] = ["--max-workers", "4", "--key", "release.pub"],
    };

    private static readonly Dictionary<string, string[]> BundleSamples = new(StringComparer.Ordinal)
    {
        ["key"] = ["--key", "release.pub", "--bundle", "bundle.json"],
        ["certificate-identity"] = ["--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://issuer.example", "--bundle", "bundle.json"],
        ["certificate-oidc-issuer"] = ["--certificate-oidc-issuer", "https://issuer.example", "--certificate-identity", "dev@example.com", "--bundle", "bundle.json"],
        ["trusted-root"] = ["--trusted-root", "trusted_root.json", "--key", "release.pub", "--bundle", "bundle.json"],
        ["timeout"] = ["--timeout", "90s", "--key", "release.pub", "--bundle", "bundle.json"],
        ["bundle"] = ["--bundle", "bundle.json", "--key", "release.pub"],
        ["max-workers"] = ["--max-workers", "4", "--key", "release.pub", "--bundle", "bundle.json"],
    };

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public CosignFlagTableTests()
    {
        _directory.Write("release.pub", PolicyTestFiles.EcPublicKeyPem);
        _directory.Write("roots.pem", PolicyTestFiles.EcPublicKeyPem);
        _directory.Write("trusted_root.json", "{}");
        _directory.Write("bundle.json", "{}");
        _directory.Write("artifact.txt", "artifact");
        _cli = new CliHarness(_directory.Path) { RegistrySpeaksOnlyPlainHttp = false };
    }

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var command in new[] { "verify", "verify-attestation", "verify-bundle" })
        {
            foreach (var flag in CosignFlags.For(command))
            {
                rows.Add(command, flag.Name);
            }
        }

        return rows;
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Row_FlagFormsBehaveAsTheTableSays(string command, string name)
    {
        var flag = CosignFlags.For(command).Single(candidate => candidate.Name == name);
        switch (flag.Handling)
        {
            case CosignFlagHandling.Refused:
                await AssertRefusedAsync(command, flag);
                break;
            case CosignFlagHandling.Accepted when flag.IsBoolean:
                await AssertBooleanFormsAsync(command, flag, expectEffect: false);
                break;
            case CosignFlagHandling.Supported when flag.IsBoolean:
                await AssertBooleanFormsAsync(command, flag, expectEffect: true);
                break;
            default:
                await AssertValueFormsAsync(command, flag);
                break;
        }
    }

    [Fact]
    public void Table_DocumentListsEveryRowAndNoOther()
    {
        var document = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "cosign-flags.md"));
        foreach (var command in new[] { "verify", "verify-attestation", "verify-bundle" })
        {
            var section = Section(document, command);
            var documented = section.Split('\n')
                .Where(line => line.StartsWith("| `--", StringComparison.Ordinal))
                .Select(line => line[5..line.IndexOf('`', 5)])
                .ToList();
            Assert.Equal(CosignFlags.For(command).Select(flag => flag.Name).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task BooleanSpaceFalse_Exits2NamingTheFlagAndTheEqualsForm()
    {
        var (exitCode, _, error) = await RunImageAsync("verify", "--key", "release.pub", "--insecure-ignore-tlog", "false");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("--insecure-ignore-tlog=false", error, StringComparison.Ordinal);
        Assert.Empty(_cli.ImageVerifier.Calls);
    }

    [Theory]
    [InlineData("--insecure-ignore-tlog", "--insecure-ignore-tlog=false", true)]
    [InlineData("--insecure-ignore-tlog=false", "--insecure-ignore-tlog", false)]
    [InlineData("--insecure-ignore-tlog=1", "--insecure-ignore-tlog=F", true)]
    public async Task BooleanGivenTwice_LastOneWinsAsInPflag(string first, string second, bool requireTlog)
    {
        var (exitCode, _, error) = await RunImageAsync("verify", "--key", "release.pub", first, second);

        Assert.True(exitCode == ExitCodes.Verified, error);
        Assert.Equal(requireTlog, Assert.Single(_cli.ImageVerifier.Calls).Rule.RequireTlog);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("tRuE")]
    [InlineData("")]
    public async Task BooleanValueGoDoesNotParse_Exits2(string value)
    {
        var (exitCode, _, error) = await RunImageAsync("verify", "--key", "release.pub", $"--insecure-ignore-sct={value}");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("--insecure-ignore-sct", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-o", "json")]
    [InlineData("-ojson")]
    [InlineData("-o=json")]
    [InlineData("--output=json")]
    public async Task OutputShorthand_PflagForms(params string[] words)
    {
        var (exitCode, output, _) = await RunImageAsync("verify", ["--key", "release.pub", .. words]);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.StartsWith("{", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyValueAfterEquals_IsTheFlagUnset()
    {
        // pflag sets "" and cosign treats an empty --key as absent: keyless flags are then required.
        var (exitCode, _, error) = await RunImageAsync("verify", "--key=");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("no signer given", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CosignEnvironmentVariable_UsedWhenTheFlagIsNotGiven()
    {
        _cli.SetEnvironment("COSIGN_KEY", "release.pub");
        _cli.SetEnvironment("COSIGN_INSECURE_IGNORE_TLOG", "true");

        var (exitCode, _, error) = await RunImageAsync("verify");

        Assert.True(exitCode == ExitCodes.Verified, error);
        var rule = Assert.Single(_cli.ImageVerifier.Calls).Rule;
        Assert.False(rule.RequireTlog);
        Assert.IsType<KeyAuthority>(Assert.Single(rule.Authorities));
        Assert.Contains("--key from COSIGN_KEY", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CosignEnvironmentVariable_FlagOnTheCommandLineWins()
    {
        _cli.SetEnvironment("COSIGN_INSECURE_IGNORE_TLOG", "true");

        var (exitCode, _, _) = await RunImageAsync("verify", "--key", "release.pub", "--insecure-ignore-tlog=false");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.True(Assert.Single(_cli.ImageVerifier.Calls).Rule.RequireTlog);
    }

    private static string Section(string document, string command)
    {
        var start = document.IndexOf($"## `imagetrust {command}`", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/cosign-flags.md has no section for {command}");
        var end = document.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? document[start..] : document[start..end];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private async Task AssertRefusedAsync(string command, CosignFlag flag)
    {
        string[] words = flag.IsBoolean ? [$"--{flag.Name}"] : [$"--{flag.Name}=value"];
        var (exitCode, _, error) = await RunAsync(command, [.. words, .. Baseline(command)]);
        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains($"--{flag.Name}", error, StringComparison.Ordinal);
        Assert.Contains(flag.Note!, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));

        if (flag.Shorthand is { } shorthand)
        {
            (exitCode, _, error) = await RunAsync(command, [$"-{shorthand}", .. flag.IsBoolean ? Array.Empty<string>() : ["value"], .. Baseline(command)]);
            Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
            Assert.Contains($"--{flag.Name}", error, StringComparison.Ordinal);
        }

        // cosign would read the same flag from COSIGN_<FLAG>: refused there too, never silently ignored.
        var fresh = new CliHarness(_directory.Path);
        fresh.SetEnvironment(flag.EnvironmentVariable, flag.IsBoolean ? "true" : "value");
        (exitCode, _, error) = await RunWithAsync(fresh, command, Baseline(command));
        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains(flag.EnvironmentVariable, error, StringComparison.Ordinal);
        AssertNothingVerified(fresh);
    }

    private async Task AssertBooleanFormsAsync(string command, CosignFlag flag, bool expectEffect)
    {
        foreach (var words in new[] { new[] { $"--{flag.Name}" }, [$"--{flag.Name}=true"], [$"--{flag.Name}=false"], [$"--{flag.Name}=1"], [$"--{flag.Name}", $"--{flag.Name}"] })
        {
            var harness = new CliHarness(_directory.Path) { RegistrySpeaksOnlyPlainHttp = true };
            var (exitCode, _, error) = await RunWithAsync(harness, command, [.. words, .. Baseline(command)]);
            var value = words[^1] != $"--{flag.Name}=false";
            if (flag.Name == "check-claims" && !value)
            {
                Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
                Assert.Contains("--check-claims=false", error, StringComparison.Ordinal);
                continue;
            }

            Assert.True(exitCode == ExitCodes.Verified, $"{string.Join(' ', words)}: {error}");
            if (expectEffect)
            {
                Assert.Equal(value, Effect(harness, flag.Name));
            }
        }

        // pflag reads the word after a boolean as an argument: "--flag false" never means false.
        var (spaceExit, _, spaceError) = await RunAsync(command, [$"--{flag.Name}", "false", .. Baseline(command)]);
        Assert.Equal(ExitCodes.UsageOrConfiguration, spaceExit);
        Assert.Contains($"--{flag.Name}=false", spaceError, StringComparison.Ordinal);
    }

    private async Task AssertValueFormsAsync(string command, CosignFlag flag)
    {
        var samples = command == "verify-bundle" ? BundleSamples : ImageSamples;
        var sample = samples[flag.Name];
        var joined = (string[])[$"{sample[0]}={sample[1]}", .. sample[2..]];
        foreach (var words in new[] { sample, joined })
        {
            var (exitCode, _, error) = await RunAsync(command, words);
            Assert.True(exitCode == ExitCodes.Verified, $"{string.Join(' ', words)}: {error}");
        }

        if (flag.Shorthand is { } shorthand)
        {
            var (exitCode, _, error) = await RunAsync(command, [$"-{shorthand}", .. sample[1..]]);
            Assert.True(exitCode == ExitCodes.Verified, error);
        }

        if (flag.Handling == CosignFlagHandling.Accepted)
        {
            // Checked as cosign checks it, then dropped.
            var (zeroExit, _, zeroError) = await RunAsync(command, [$"{sample[0]}=0", .. sample[2..]]);
            Assert.Equal(ExitCodes.UsageOrConfiguration, zeroExit);
            Assert.Contains(sample[0], zeroError, StringComparison.Ordinal);
            return;
        }

        // Not repeatable: cosign keeps the last value, ImageTrust refuses rather than let a later word replace an earlier one.
        var (twiceExit, _, twiceError) = await RunAsync(command, [sample[0], sample[1], .. sample]);
        Assert.Equal(ExitCodes.UsageOrConfiguration, twiceExit);
        Assert.Contains($"--{flag.Name}", twiceError, StringComparison.Ordinal);
    }

    private static bool Effect(CliHarness harness, string name)
    {
        if (name is "allow-http-registry" or "allow-insecure-registry")
        {
            return harness.Probes.Count == 1 && harness.Probes[0].SkipTlsVerification == (name == "allow-insecure-registry");
        }

        if (harness.BundleRequests.Count == 1)
        {
            return false;
        }

        var rule = harness.ImageVerifier.Calls.Count == 1 ? harness.ImageVerifier.Calls[0].Rule : harness.AttestationVerifier.Calls[0].Rule;
        return name switch
        {
            "insecure-ignore-tlog" => !rule.RequireTlog,
            "insecure-ignore-sct" => !rule.RequireSct,
            _ => throw new InvalidOperationException($"no effect known for --{name}"),
        };
    }

    private static string[] Baseline(string command) => command == "verify-bundle"
        ? ["--key", "release.pub", "--bundle", "bundle.json"]
        : ["--key", "release.pub"];

    private static void AssertNothingVerified(CliHarness harness)
    {
        Assert.Empty(harness.ImageVerifier.Calls);
        Assert.Empty(harness.AttestationVerifier.Calls);
        Assert.Empty(harness.BundleRequests);
    }

    private Task<(int ExitCode, string Out, string Error)> RunImageAsync(string command, params string[] words) => RunAsync(command, words);

    private Task<(int ExitCode, string Out, string Error)> RunAsync(string command, string[] words) => RunWithAsync(_cli, command, words);

    private static Task<(int ExitCode, string Out, string Error)> RunWithAsync(CliHarness harness, string command, string[] words)
    {
        if (command == "verify-attestation")
        {
            harness.AttestationVerifier = new FakeAttestationVerifier((image, _) => new AttestationVerificationResult(CliHarness.WithDigest(image), true, [], []));
        }

        var operand = command == "verify-bundle" ? "artifact.txt" : Image;
        return harness.RunAsync([command, .. words, operand]);
    }
}
