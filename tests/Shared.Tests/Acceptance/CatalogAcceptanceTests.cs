using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Verification;
using ImageTrust.TestSupport.Fixtures;

namespace ImageTrust.Shared.Tests.Acceptance;

/// <summary>
/// Every scenario of tests/Fixtures/catalog.json, signed by independent tools (skopeo 1.18, openssl, sigstore-js), verified
/// through the CLI's production services against a real docker-registry: the exit code, the JSON verdict and the reason must
/// match the catalog.
/// </summary>
public sealed class CatalogAcceptanceTests : IClassFixture<FixtureRegistry>
{
    private readonly FixtureRegistry _registry;

    public CatalogAcceptanceTests(FixtureRegistry registry)
    {
        _registry = registry;
    }

    public static TheoryData<string> ScenarioNames()
    {
        var names = new TheoryData<string>();
        foreach (var scenario in FixtureSet.LoadDefault().Scenarios)
        {
            names.Add(scenario.Name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Verify_CatalogScenario_ExitCodeAndVerdictMatch(string name)
    {
        var scenario = _registry.Fixtures.Scenario(name);
        string[] arguments =
        [
            scenario.Command,
            .. scenario.CliArguments(_registry.HostPort),
            "--allow-http-registry",
            "--output", "json",
        ];
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, _ => null, _registry.Fixtures.Directory);

        var exitCode = await CliApplication.RunAsync(arguments, ProductionServices.Create(), console);

        var expectedExit = scenario.Expected == FixtureExpectation.Verified ? 0 : 1;
        Assert.True(expectedExit == exitCode, $"{name}: exit {exitCode}, expected {expectedExit}\nstdout: {output}\nstderr: {error}");
        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal(scenario.Expected == FixtureExpectation.Verified, json.RootElement.GetProperty("verified").GetBoolean());
        if (scenario.Command == "verify")
        {
            Assert.Equal(scenario.Digest, json.RootElement.GetProperty("digest").GetString());
            Assert.Equal(exitCode == 0, json.RootElement.GetProperty("reasons").GetArrayLength() == 0);
        }
        if (scenario.Expected == FixtureExpectation.Failed && scenario.ExpectedReason is { } reason)
        {
            var reasons = json.RootElement.GetProperty("reasons").EnumerateArray().Select(element => element.GetString()).ToList();
            Assert.True(reasons.Contains(reason), $"{name}: expected reason {reason} in reasons [{string.Join(", ", reasons)}]\n{output}");
        }
    }
}
