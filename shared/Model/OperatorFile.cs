using System.Runtime.InteropServices;

namespace ImageTrust.Model;

/// <summary>
/// Reads a file an operator named (a key, CA bundle, policy, docker config, bundle or artifact): only a regular file, and never
/// more than a byte bound, whatever size the file system reports. <c>/dev/zero</c> reports size 0 and never ends; a FIFO
/// blocks on open until something writes to it; both are refused before they are opened.
/// </summary>
internal static class OperatorFile
{
    private const int ReadChunkBytes = 64 * 1024;
    private const uint FileTypeMask = 0xF000;
    private const uint RegularFile = 0x8000;

    /// <summary>Reads the whole file.</summary>
    /// <param name="path">The file's full path.</param>
    /// <param name="maxBytes">The most bytes the file may have.</param>
    /// <param name="what">Names the file in errors, e.g. <c>--key k.pub</c> or <c>policy file p.yaml</c>.</param>
    /// <exception cref="ConfigurationException">The file is missing, not a regular file, larger than the bound or unreadable.</exception>
    public static byte[] Read(string path, long maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        RequireRegularFile(path, what);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            using var content = new MemoryStream();
            var buffer = new byte[(int)Math.Min(ReadChunkBytes, maxBytes + 1)];
            int read;
            while ((read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes + 1 - content.Length))) > 0)
            {
                content.Write(buffer, 0, read);
                if (content.Length > maxBytes)
                {
                    throw new ConfigurationException($"{what}: larger than {Describe(maxBytes)}");
                }
            }

            return content.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{what}: can't be read: {e.Message}", e);
        }
    }

    /// <summary>What kind of file system entry <paramref name="path"/> is (following links); null where this can't be told.</summary>
    internal static string? KindOf(string path)
    {
        if (!OperatingSystem.IsLinux() || StatModeOffset() is not { } offset)
        {
            return null;
        }

        var status = new byte[256];
        if (Stat(path, status) != 0)
        {
            return "missing";
        }

        return (BitConverter.ToUInt32(status, offset) & FileTypeMask) switch
        {
            RegularFile => "regular file",
            0x4000 => "directory",
            0x1000 => "FIFO",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => "special file",
        };
    }

    /// <summary>Checks that <paramref name="path"/> is a regular file (following links), without opening it.</summary>
    /// <exception cref="ConfigurationException">It is missing, a directory, a FIFO, a device or a socket.</exception>
    public static void RequireRegularFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigurationException($"{what}: is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            throw new ConfigurationException($"{what}: file not found");
        }

        var kind = KindOf(path);
        if (kind is not null and not "regular file")
        {
            throw new ConfigurationException($"{what}: is a {kind}, not a regular file");
        }
    }

    /// <summary>Where <c>st_mode</c> sits in the kernel's <c>struct stat</c> that glibc's <c>stat</c> fills, per architecture.</summary>
    private static int? StatModeOffset() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 24,
        Architecture.Arm64 => 16,
        _ => null,
    };

    private static string Describe(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0
        ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
