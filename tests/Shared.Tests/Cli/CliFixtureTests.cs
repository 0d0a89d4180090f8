using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Verification;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;

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

    [Theory]
    [InlineData("skopeo-signed", "verify --key={key} --insecure-ignore-tlog --allow-http-registry {image}")]
    [InlineData("skopeo-signed", "verify --allow-http-registry=true --key {key} --insecure-ignore-tlog=true -o text {image}")]
    [InlineData("openssl-rsa-pkcs1", "verify {image} --key {key} --insecure-ignore-tlog=1 --allow-http-registry --max-workers=2 --check-claims")]
    [InlineData("bundle-keyless-signed", "verify --certificate-identity {certificate-identity} --certificate-oidc-issuer={certificate-oidc-issuer} --trusted-root={trusted-root} --allow-http-registry -t 90s {image}")]
    [InlineData("keyless-v2-identity-regexp", "verify --certificate-identity-regexp={certificate-identity-regexp} --certificate-oidc-issuer-regexp {certificate-oidc-issuer-regexp} --ca-roots={ca-roots} --ca-intermediates {ca-intermediates} --insecure-ignore-sct --allow-http-registry --output=json {image}")]
    [InlineData("classic-att-provenance", "verify-attestation --type=https://slsa.dev/provenance/v1 --key {key} --insecure-ignore-tlog --allow-http-registry {image}")]
    [InlineData("multiarch-index-signed", "verify --allow-http-registry=True --key={key} --insecure-ignore-tlog=T {image}")]
    public async Task Verify_CosignStyleCommandLine_VerifiesFixtureWithExit0(string scenarioName, string commandLine)
    {
        // Written to cosign's conventions (boolean --allow-http-registry, '=' and space forms), not to ImageTrust's.
        var scenario = _registry.Fixtures.Scenario(scenarioName);
        var words = commandLine.Split(' ').Select(word => Substitute(word, scenario)).ToArray();
        var rekorKey = scenario.Flag("rekor-public-key");
        var environment = rekorKey is null ? null : new Dictionary<string, string> { ["SIGSTORE_REKOR_PUBLIC_KEY"] = rekorKey };

        var (exitCode, output, error) = await RunAsync(words, environment);

        Assert.True(exitCode == ExitCodes.Verified, $"{string.Join(' ', words)}\n{output}{error}");
    }

    [Fact]
    public async Task Verify_CosignEnvironmentAllowHttp_VerifiesFixture()
    {
        var scenario = _registry.Fixtures.Scenario("skopeo-signed");
        var environment = new Dictionary<string, string> { ["COSIGN_ALLOW_HTTP_REGISTRY"] = "true", ["COSIGN_INSECURE_IGNORE_TLOG"] = "1" };

        var (exitCode, _, error) = await RunAsync(["verify", "--key", scenario.Flag("key")!, scenario.ReferenceAt(_registry.HostPort)], environment);

        Assert.True(exitCode == ExitCodes.Verified, error);
    }

    [Fact]
    public async Task Verify_PlainHttpRegistryWithoutFlag_Exits3WithOneLineNamingTheFlag()
    {
        var scenario = _registry.Fixtures.Scenario("skopeo-signed");

        var (exitCode, _, error) = await RunAsync(["verify", "--key", scenario.Flag("key")!, "--insecure-ignore-tlog", scenario.ReferenceAt(_registry.HostPort)]);

        Assert.Equal(ExitCodes.Transient, exitCode);
        Assert.Contains("cosign tries HTTP there without a flag, ImageTrust only with --allow-http-registry", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ExplainWrongIdentity_NamesAuthorityFirstFailedCheckFoundAndExpected()
    {
        var scenario = _registry.Fixtures.Scenario("keyless-wrong-identity");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry", "--explain"];

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("authority keyless: keyless, subject bob@example.com with issuer https://accounts.example.com", output, StringComparison.Ordinal);
        Assert.Contains("not satisfied by any signature", output, StringComparison.Ordinal);
        Assert.Contains("first failed check: identity (IDENTITY_MISMATCH)", output, StringComparison.Ordinal);
        Assert.Contains("found:    got subjects [alice@example.com]", output, StringComparison.Ordinal);
        Assert.Contains("expected: subject bob@example.com with issuer https://accounts.example.com", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FailureInTextMode_ExplainsWithoutTheFlag()
    {
        var scenario = _registry.Fixtures.Scenario("keyless-wrong-issuer");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry"];

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("first failed check: identity (ISSUER_MISMATCH)", output, StringComparison.Ordinal);
        Assert.Contains("found:    got issuer https://accounts.example.com", output, StringComparison.Ordinal);
        Assert.Contains($"expected: issuer {scenario.Flag("certificate-oidc-issuer")}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ExplainWrongKey_NamesTheKeyExpected()
    {
        var scenario = _registry.Fixtures.Scenario("skopeo-signed-wrong-key");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry", "--explain"];

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("(SIGNATURE_INVALID)", output, StringComparison.Ordinal);
        Assert.Contains($"expected: a signature by {scenario.Flag("key")} (public key (PEM); trust: Sigstore public-good root)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ExplainVerified_ShowsSubjectsTheWayCosignDoes()
    {
        var scenario = _registry.Fixtures.Scenario("keyless-v2-issuer");
        string[] args = ["verify", .. scenario.CliArguments(_registry.HostPort), "--allow-http-registry", "--explain"];

        var (exitCode, output, _) = await RunAsync(args);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Contains("satisfied by signature [1]", output, StringComparison.Ordinal);
        Assert.Contains($"got subjects [{scenario.Flag("certificate-identity")}] with issuer {scenario.Flag("certificate-oidc-issuer")}", output, StringComparison.Ordinal);
    }

    private string Substitute(string word, ImageTrust.TestSupport.Fixtures.FixtureScenario scenario)
    {
        if (word == "{image}")
        {
            return scenario.ReferenceAt(_registry.HostPort);
        }

        var open = word.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return word;
        }

        var name = word[(open + 1)..word.IndexOf('}', StringComparison.Ordinal)];
        return word[..open] + (scenario.Flag(name) ?? throw new InvalidOperationException($"{scenario.Name} has no flag {name}"));
    }

    [Fact]
    public async Task Verify_GcpKmsKey_FetchedFromTheKmsEndpointTheEnvironmentNames()
    {
        const string KeyVersion = "projects/kms-project/locations/global/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/1";
        var scenario = _registry.Fixtures.Scenario("skopeo-signed");
        var pem = await File.ReadAllTextAsync(scenario.Flag("key")!);
        await using var kms = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["pem"] = pem, ["algorithm"] = "EC_SIGN_P256_SHA256" }));
        });
        string[] args = ["verify", scenario.ReferenceAt(_registry.HostPort), "--key", "gcpkms://" + KeyVersion, "--insecure-ignore-tlog", "--allow-http-registry"];
        var environment = new Dictionary<string, string> { ["IMAGETRUST_KMS_ENDPOINT"] = kms.BaseUri.ToString() };

        var (exitCode, _, error) = await RunAsync(args, environment);

        Assert.True(exitCode == ExitCodes.Verified, error);
        Assert.Equal([$"GET /v1/{KeyVersion}/publicKey"], kms.Requests);
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, name => environment?.GetValueOrDefault(name), Directory.GetCurrentDirectory());
        var services = environment is null ? ProductionServices.Create() : ProductionServices.Create(name => environment.GetValueOrDefault(name));
        var exitCode = await CliApplication.RunAsync(args, services, console);
        return (exitCode, output.ToString(), error.ToString());
    }
}
