using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Fixtures;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// The whole CLI (flags → rule → engine → registry → report → exit code) with the production services, against a real
/// docker-registry holding images signed by independent tools; every <c>verify</c> scenario of the fixture catalog.
/// </summary>
public sealed class CliFixtureTests : IClassFixture<CliFixtureRegistry>
{
    private readonly CliFixtureRegistry _registry;

    public CliFixtureTests(CliFixtureRegistry registry)
    {
        _registry = registry;
    }

    public static TheoryData<string> VerifyScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in FixtureSet.LoadDefault().Scenarios.Where(scenario => scenario.Command == "verify"))
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VerifyScenarios))]
    public async Task Verify_FixtureScenario_ExitCodeAndJsonMatchExpectation(string name)
    {
        var scenario = _registry.Fixtures.Scenario(name);
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry", _registry.HostPort, "--output", "json"];

        var (exitCode, output, error) = await RunAsync(args);

        var expected = scenario.Expected == FixtureExpectation.Verified ? ExitCodes.Verified : ExitCodes.VerificationFailed;
        Assert.True(expected == exitCode, $"{name}: exit {exitCode}, expected {expected}\n{output}\n{error}");
        using var json = JsonDocument.Parse(output);
        Assert.Equal(scenario.Digest, json.RootElement.GetProperty("digest").GetString());
        Assert.Equal(exitCode == ExitCodes.Verified, json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(exitCode == ExitCodes.Verified, json.RootElement.GetProperty("reasons").GetArrayLength() == 0);
    }

    [Fact]
    public async Task Verify_UnsignedText_NamesTheSigTag()
    {
        var scenario = _registry.Fixtures.Scenario("skopeo-unsigned");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry", _registry.HostPort];

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains($"{scenario.Digest.Replace(':', '-')}.sig", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UnreachableRegistry_Exits3()
    {
        var port = FreePort.Next();
        var key = _registry.Fixtures.Scenario("skopeo-signed").Flag("key")!;

        var (exitCode, _, error) = await RunAsync(["verify", $"127.0.0.1:{port}/app:v1", "--key", key, "--allow-http-registry", $"127.0.0.1:{port}"]);

        Assert.True(exitCode == ExitCodes.Transient, error);
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, _ => null, Directory.GetCurrentDirectory());
        var exitCode = await CliApplication.RunAsync(args, ProductionServices.Create(), console);
        return (exitCode, output.ToString(), error.ToString());
    }
}
