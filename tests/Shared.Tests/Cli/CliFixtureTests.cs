using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Verification;
using ImageTrust.TestSupport;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// The whole CLI (flags → rule → engine → registry → report → exit code) with the production services, against a real
/// docker-registry holding images signed by independent tools (every catalog scenario runs in
/// <see cref="Acceptance.CatalogAcceptanceTests"/>): text output and infrastructure errors.
/// </summary>
public sealed class CliFixtureTests : IClassFixture<FixtureRegistry>
{
    private readonly FixtureRegistry _registry;

    public CliFixtureTests(FixtureRegistry registry)
    {
        _registry = registry;
    }

    [Fact]
    public async Task Verify_UnsignedText_NamesTheSigTag()
    {
        var scenario = _registry.Fixtures.Scenario("skopeo-unsigned");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry"];

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains($"{scenario.Digest.Replace(':', '-')}.sig", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReplayedSkopeoSignature_VerifiedWithIdentityMismatchUnlessChecked()
    {
        // skopeo signed for the generating registry's host:port; the replay registry listens elsewhere, so the signed
        // docker-reference names another repository: cosign accepts that (a warning here), --check-docker-reference does not.
        var scenario = _registry.Fixtures.Scenario("skopeo-signed");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry"];

        var (exitCode, output, _) = await RunAsync(args);
        var (checkedExitCode, checkedOutput, _) = await RunAsync([.. args, "--check-docker-reference"]);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Contains("warning: IDENTITY_MISMATCH: the payload's docker-reference", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.VerificationFailed, checkedExitCode);
        Assert.Contains("IDENTITY_MISMATCH", checkedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UnreachableRegistry_Exits3()
    {
        var port = FreePort.Next();
        var key = _registry.Fixtures.Scenario("skopeo-signed").Flag("key")!;

        var (exitCode, _, error) = await RunAsync(["verify", $"127.0.0.1:{port}/app:v1", "--key", key, "--allow-http-registry"]);

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
