using System.Numerics;

namespace ImageTrust.GoogleCloud.Kms;

/// <summary>CRC32C (Castagnoli), the checksum Cloud KMS uses for request and response integrity.</summary>
internal static class Crc32C
{
    /// <summary>The CRC32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
