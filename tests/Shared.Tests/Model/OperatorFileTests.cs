using System.Diagnostics;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

public sealed class OperatorFileTests : IDisposable
{
    private static readonly TimeSpan s_noHang = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("operator-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_RegularFileWithinBound_ReturnsItsBytes()
    {
        var path = Path.Combine(_directory, "key.pem");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Equal([1, 2, 3], OperatorFile.Read(path, 3, "--key key.pem"));
    }

    [Fact]
    public void Read_FileOverBound_RefusedNamingTheFlag()
    {
        var path = Path.Combine(_directory, "big.pem");
        File.WriteAllBytes(path, new byte[4097]);

        var error = Assert.Throws<ConfigurationException>(() => OperatorFile.Read(path, 4096, "--key big.pem"));

        Assert.Equal("--key big.pem: larger than 4 KiB", error.Message);
    }

    [Fact]
    public async Task Read_DevZero_RefusedAsCharacterDeviceWithoutReading()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Task.Run(() => OperatorFile.Read("/dev/zero", 64 * 1024, "--key /dev/zero")).WaitAsync(s_noHang));

        Assert.Equal("--key /dev/zero: is a character device, not a regular file", error.Message);
    }

    [Fact]
    public async Task Read_Fifo_RefusedWithoutBlocking()
    {
        var fifo = MakeFifo(Path.Combine(_directory, "pipe"));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Task.Run(() => OperatorFile.Read(fifo, 1024, "policy file pipe")).WaitAsync(s_noHang));

        Assert.Equal("policy file pipe: is a FIFO, not a regular file", error.Message);
    }

    [Fact]
    public void Read_Directory_Refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => OperatorFile.Read(_directory, 1024, "--trusted-root dir"));

        Assert.Equal("--trusted-root dir: is a directory, not a file", error.Message);
    }

    [Fact]
    public void Read_Missing_RefusedAsNotFound()
    {
        var error = Assert.Throws<ConfigurationException>(() => OperatorFile.Read(Path.Combine(_directory, "none"), 1024, "--key none"));

        Assert.Equal("--key none: file not found", error.Message);
    }

    [Fact]
    public void Read_SymlinkToFifo_RefusedAsFifo()
    {
        var fifo = MakeFifo(Path.Combine(_directory, "pipe"));
        var link = Path.Combine(_directory, "link.pem");
        File.CreateSymbolicLink(link, fifo);

        var error = Assert.Throws<ConfigurationException>(() => OperatorFile.Read(link, 1024, "--key link.pem"));

        Assert.Equal("--key link.pem: is a FIFO, not a regular file", error.Message);
    }

    [Fact]
    public void Read_FileReportingSizeZeroWithContent_ReadsContentUpToTheBound()
    {
        // /proc files are regular files that report size 0: the bound must hold on what is read, not on what is reported.
        Assert.Equal(0, new FileInfo("/proc/self/status").Length);

        var content = OperatorFile.Read("/proc/self/status", 1024 * 1024, "status");
        var error = Assert.Throws<ConfigurationException>(() => OperatorFile.Read("/proc/self/status", 16, "status"));

        Assert.Contains("Pid:", System.Text.Encoding.ASCII.GetString(content), StringComparison.Ordinal);
        Assert.Equal("status: larger than 16 bytes", error.Message);
    }

    internal static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }
}
