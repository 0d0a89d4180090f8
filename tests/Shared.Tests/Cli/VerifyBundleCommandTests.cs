using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class VerifyBundleCommandTests : IDisposable
{
    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public VerifyBundleCommandTests()
    {
        _directory.Write("bundle.json", "{}");
        _directory.Write("a.txt", "artifact");
        _directory.Write("key.pub", "key");
        _directory.Write("trusted_root.json", "{}");
        _cli = new CliHarness(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task VerifyBundle_IdentityAndFile_PassesRequestExits0()
    {
        var (exitCode, _, _) = await _cli.RunAsync(
            "verify-bundle", "--bundle", "bundle.json", "--certificate-identity", "me@example.com",
            "--certificate-oidc-issuer", "https://issuer", "--trusted-root", "trusted_root.json", "a.txt");

        Assert.Equal(ExitCodes.Verified, exitCode);
        var request = Assert.Single(_cli.BundleRequests);
        Assert.Equal(Path.Combine(_directory.Path, "bundle.json"), request.BundlePath);
        Assert.Equal(Path.Combine(_directory.Path, "a.txt"), request.ArtifactPath);
        Assert.Null(request.ArtifactDigest);
        Assert.Equal("me@example.com", request.Identity);
        Assert.Equal("https://issuer", request.Issuer);
        Assert.Null(request.KeyPath);
        Assert.Equal(Path.Combine(_directory.Path, "trusted_root.json"), request.TrustedRootPath);
    }

    [Fact]
    public async Task VerifyBundle_KeyAndDigest_PassesDigest()
    {
        var (exitCode, _, _) = await _cli.RunAsync("verify-bundle", "--bundle", "bundle.json", "--key", "key.pub", CliHarness.Digest);

        Assert.Equal(ExitCodes.Verified, exitCode);
        var request = Assert.Single(_cli.BundleRequests);
        Assert.Equal(CliHarness.Digest, request.ArtifactDigest?.ToString());
        Assert.Null(request.ArtifactPath);
        Assert.Equal(Path.Combine(_directory.Path, "key.pub"), request.KeyPath);
        Assert.Null(request.TrustedRootPath);
    }

    [Fact]
    public async Task VerifyBundle_NotVerified_Exits1WithReason()
    {
        _cli.BundleVerdict = _ => new(false, "TLOG_INCLUSION_PROOF_INVALID", "root hash mismatch");

        var (exitCode, _, error) = await _cli.RunAsync("verify-bundle", "--bundle", "bundle.json", "--key", "key.pub", "a.txt");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("TLOG_INCLUSION_PROOF_INVALID: root hash mismatch", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify-bundle", "--bundle", "bundle.json", "a.txt")]
    [InlineData("verify-bundle", "--bundle", "bundle.json", "--certificate-identity", "me", "a.txt")]
    [InlineData("verify-bundle", "--bundle", "bundle.json", "--key", "key.pub", "--certificate-identity", "me", "--certificate-oidc-issuer", "i", "a.txt")]
    [InlineData("verify-bundle", "--bundle", "missing.json", "--key", "key.pub", "a.txt")]
    [InlineData("verify-bundle", "--bundle", "bundle.json", "--key", "key.pub", "missing.txt")]
    [InlineData("verify-bundle", "--bundle", "bundle.json", "--key", "key.pub", "sha256:abc")]
    [InlineData("verify-bundle", "--key", "key.pub", "a.txt")]
    [InlineData("verify-bundle", "--staging", "--bundle", "bundle.json", "--key", "key.pub", "a.txt")]
    public async Task VerifyBundle_BadUsage_Exits2(params string[] args)
    {
        var (exitCode, _, error) = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Empty(_cli.BundleRequests);
        Assert.StartsWith("imagetrust: ", error, StringComparison.Ordinal);
    }
}
