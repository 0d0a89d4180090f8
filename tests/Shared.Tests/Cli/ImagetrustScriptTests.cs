using System.Diagnostics;
using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Verification;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.TestSupport;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// <c>scripts/imagetrust</c> as a real process (it builds the CLI in Release on first use), against a real docker-registry
/// with independently signed fixtures: signed → 0, unsigned → 1, bad flags → 2, unreachable registry → 3.
/// </summary>
public sealed class ImagetrustScriptTests : IClassFixture<FixtureRegistry>
{
    // The first call may build the CLI on a busy machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private readonly FixtureRegistry _registry;

    public ImagetrustScriptTests(FixtureRegistry registry)
    {
        _registry = registry;
    }

    [Theory]
    [InlineData("skopeo-signed", ExitCodes.Verified)]
    [InlineData("skopeo-signed-by-tag", ExitCodes.Verified)]
    [InlineData("skopeo-unsigned", ExitCodes.VerificationFailed)]
    [InlineData("skopeo-tampered", ExitCodes.VerificationFailed)]
    [InlineData("keyless-v2-issuer", ExitCodes.Verified)]
    [InlineData("keyless-untrusted-ca", ExitCodes.VerificationFailed)]
    public async Task Script_FixtureScenario_ExitCode(string name, int expected)
    {
        var scenario = _registry.Fixtures.Scenario(name);

        var (exitCode, output, error) = await RunAsync(["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry"]);

        Assert.True(expected == exitCode, $"{name}: exit {exitCode}\n{output}\n{error}");
    }

    [Fact]
    public async Task Script_KeyWithIdentity_Exits2()
    {
        var key = _registry.Fixtures.Scenario("skopeo-signed").Flag("key")!;

        var (exitCode, _, error) = await RunAsync(["verify", $"{_registry.HostPort}/skopeo/signed:v1", "--key", key, "--certificate-identity", "me@example.com"]);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.StartsWith("imagetrust: --key can't be combined", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_UnreachableRegistry_Exits3()
    {
        var port = FreePort.Next();
        var key = _registry.Fixtures.Scenario("skopeo-signed").Flag("key")!;

        var (exitCode, _, error) = await RunAsync(["verify", $"127.0.0.1:{port}/app:v1", "--key", key, "--allow-http-registry"]);

        Assert.True(exitCode == ExitCodes.Transient, error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Path.Combine(PolicyTestFiles.RepositoryRoot, "scripts", "imagetrust"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return await ChildProcess.RunAsync(start, Timeout);
    }
}
