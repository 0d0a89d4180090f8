using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Shared.Tests.Model;
using ImageTrust.Shared.Tests.Policy;
using BundleCommand = ImageTrust.Cli.BundleFileVerification;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>Files named by the operator: a device or FIFO is refused with exit 2 at once, never read until memory runs out or waited on.</summary>
public sealed class OperatorFileFlagTests : IDisposable
{
    private const string Image = "127.0.0.1:5000/app/api:v1";
    private static readonly TimeSpan s_noHang = TimeSpan.FromSeconds(30);

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public OperatorFileFlagTests()
    {
        _directory.Write("release.pub", PolicyTestFiles.EcPublicKeyPem);
        _cli = new CliHarness(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("--key", "/dev/zero", "character device")]
    [InlineData("--key", "pipe", "FIFO")]
    [InlineData("--policy", "/dev/zero", "character device")]
    [InlineData("--policy", "pipe", "FIFO")]
    public async Task Verify_DeviceOrFifoAsFile_Exits2NamingIt(string flag, string path, string kind)
    {
        OperatorFileTests.MakeFifo(Path.Combine(_directory.Path, "pipe"));

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, flag, path).WaitAsync(s_noHang);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains($"is a {kind}, not a regular file", error, StringComparison.Ordinal);
        Assert.Empty(_cli.ImageVerifier.Calls);
    }

    [Fact]
    public async Task Verify_TrustedRootFifo_Exits2WithoutWaiting()
    {
        OperatorFileTests.MakeFifo(Path.Combine(_directory.Path, "root.json"));

        var (exitCode, _, error) = await _cli.RunAsync(
            "verify", Image, "--certificate-identity", "dev@example.com", "--certificate-oidc-issuer", "https://issuer.example", "--trusted-root", "root.json")
            .WaitAsync(s_noHang);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("is a FIFO, not a regular file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyInit_KeyFromDevZero_Exits2()
    {
        var (exitCode, _, error) = await _cli.RunAsync("policy", "init", "--key", "/dev/zero", "--scope", "127.0.0.1:5000/app/**", "--output", "policy.yaml").WaitAsync(s_noHang);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("--key /dev/zero: is a character device", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bundle")]
    [InlineData("artifact")]
    [InlineData("key")]
    public async Task VerifyBundleRun_FifoAsInput_ThrowsConfigurationWithoutWaiting(string which)
    {
        var fifo = OperatorFileTests.MakeFifo(Path.Combine(_directory.Path, "pipe"));
        var regular = Path.Combine(_directory.Path, "release.pub");

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Task.Run(() => BundleCommand.Run(
            which == "bundle" ? fifo : regular,
            which == "artifact" ? fifo : regular,
            null,
            null,
            which == "key" ? fifo : regular,
            null)).WaitAsync(s_noHang));

        Assert.Contains("is a FIFO, not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerConfig_Fifo_ConfigurationErrorWithoutWaiting()
    {
        var fifo = OperatorFileTests.MakeFifo(Path.Combine(_directory.Path, "config.json"));
        var source = new DockerConfigCredentialSource(fifo);

        var error = await Assert.ThrowsAsync<ConfigurationException>(
            () => Task.Run(async () => await source.GetCredentialAsync("127.0.0.1:5000", CancellationToken.None)).WaitAsync(s_noHang));

        Assert.Contains("is a FIFO, not a regular file", error.Message, StringComparison.Ordinal);
    }
}
