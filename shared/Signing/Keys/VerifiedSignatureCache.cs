using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// A bounded set of signatures already verified as valid by one key, so that expensive checks repeated on the same bytes
/// (a CA's P-384 signature on a certificate, an Ed25519 checkpoint shared by many entries) run once. Only positive
/// outcomes are stored, keyed by SHA-256 over the signed bytes and the signature, so a hit is exactly a repeat of a
/// verification that succeeded. When full it is emptied rather than evicting one by one.
/// </summary>
internal sealed class VerifiedSignatureCache
{
    private readonly ConcurrentDictionary<UInt128, byte> _verified = new();
    private readonly int _capacity;

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> entries.</summary>
    public VerifiedSignatureCache(int capacity = 4096)
    {
        _capacity = capacity;
    }

    /// <summary>Returns true when the pair was verified before; otherwise runs <paramref name="verify"/> and remembers a success.</summary>
    public bool GetOrVerify(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature, Func<bool> verify)
    {
        var key = Key(signed, signature);
        if (_verified.ContainsKey(key))
        {
            return true;
        }

        if (!verify())
        {
            return false;
        }

        if (_verified.Count >= _capacity)
        {
            _verified.Clear();
        }

        _verified.TryAdd(key, 0);
        return true;
    }

    private static UInt128 Key(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (long)signed.Length);
        hash.AppendData(length);
        hash.AppendData(signed);
        hash.AppendData(signature);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);

        // 128 bits of SHA-256 keep collisions out of reach while the key stays a value type.
        return new UInt128(BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]));
    }
}
