using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Policy;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class VerifyAttestationCommandTests : IDisposable
{
    private const string Image = "127.0.0.1:5000/app/api@" + CliHarness.Digest;
    private const string Statement = """{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","predicate":{"runDetails":{"builder":{"id":"ci"}}}}""";

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public VerifyAttestationCommandTests()
    {
        _directory.Write("release.pub", PolicyTestFiles.EcPublicKeyPem);
        _cli = new CliHarness(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task VerifyAttestation_Verified_PrintsStatementAndExits0()
    {
        _cli.AttestationVerifier = new FakeAttestationVerifier((image, requirement) => new AttestationVerificationResult(
            image, true, [new VerifiedAttestation(Signature(true), requirement.PredicateType, Statement)], []));

        var (exitCode, output, error) = await _cli.RunAsync("verify-attestation", Image, "--type", "slsaprovenance1", "--key", "release.pub");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Equal(Statement, output.Trim());
        Assert.Contains("Verified attestation https://slsa.dev/provenance/v1", error, StringComparison.Ordinal);
        var call = Assert.Single(_cli.AttestationVerifier.Calls);
        Assert.Equal("https://slsa.dev/provenance/v1", call.Requirement.PredicateType);
        Assert.IsType<KeyAuthority>(Assert.Single(call.Requirement.Authorities));
        Assert.Same(call.Requirement, Assert.Single(call.Rule.Attestations));
    }

    [Fact]
    public async Task VerifyAttestation_StatementWithControlAndBidiCharacters_PrintedAsAsciiJson()
    {
        const string hostile = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"id\":\"ci\u0085\u009b2K\u202Eevil\u2028x\"}}";
        _cli.AttestationVerifier = new FakeAttestationVerifier((image, requirement) => new AttestationVerificationResult(
            image, true, [new VerifiedAttestation(Signature(true), requirement.PredicateType, hostile)], []));

        var (exitCode, output, _) = await _cli.RunAsync("verify-attestation", Image, "--type", "slsaprovenance1", "--key", "release.pub");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.All(output.TrimEnd('\n').ToCharArray(), c => Assert.InRange(c, ' ', '~'));
        using var printed = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("ci\u0085\u009b2K\u202Eevil\u2028x", printed.RootElement.GetProperty("predicate").GetProperty("id").GetString());
    }

    [Fact]
    public async Task VerifyAttestation_Json_EmbedsStatement()
    {
        _cli.AttestationVerifier = new FakeAttestationVerifier((image, requirement) => new AttestationVerificationResult(
            image, true, [new VerifiedAttestation(Signature(true), requirement.PredicateType, Statement)], []));

        var (exitCode, output, _) = await _cli.RunAsync(
            "verify-attestation", Image, "--type", "https://slsa.dev/provenance/v1",
            "--certificate-identity", "ci@example.com", "--certificate-oidc-issuer", "https://issuer", "--output", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        using var json = JsonDocument.Parse(output);
        var attestation = json.RootElement.GetProperty("signatures")[0];
        Assert.Equal("ci", attestation.GetProperty("statement").GetProperty("predicate").GetProperty("runDetails").GetProperty("builder").GetProperty("id").GetString());
        Assert.Equal("https://slsa.dev/provenance/v1", json.RootElement.GetProperty("predicateType").GetString());
    }

    [Fact]
    public async Task VerifyAttestation_Tampered_Exits1WithoutPrintingStatement()
    {
        _cli.AttestationVerifier = new FakeAttestationVerifier((image, requirement) => new AttestationVerificationResult(
            image, false, [new VerifiedAttestation(Signature(false), requirement.PredicateType, null)], ["SIGNATURE_INVALID"]));

        var (exitCode, output, error) = await _cli.RunAsync("verify-attestation", Image, "--type", "slsaprovenance1", "--key", "release.pub");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Empty(output);
        Assert.Contains("SIGNATURE_INVALID: signature: DSSE signature does not verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAttestation_None_Exits1NamingType()
    {
        var (exitCode, _, error) = await _cli.RunAsync("verify-attestation", Image, "--type", "cyclonedx", "--key", "release.pub");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("no attestations of type https://cyclonedx.org/bom found", error, StringComparison.Ordinal);
    }

    private static SignatureVerification Signature(bool verified) => new(
        SignatureKinds.BundleKey, verified, verified ? "OK" : "SIGNATURE_INVALID", verified ? "release.pub" : null, null, null, null, 7, null,
        [verified ? CheckResult.Pass("signature") : CheckResult.Fail("signature", "SIGNATURE_INVALID", "DSSE signature does not verify")]);
}
