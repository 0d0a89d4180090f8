using System.Numerics;
using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// Ed25519 signature verification per RFC 8032 §5.1.7 (the .NET base library has no Ed25519). Public keys and signatures
/// are verified, never produced, so constant time is not needed. The check is the cofactorless one Go's crypto/ed25519
/// (and so cosign) uses: encode([S]B − [k]A) must equal R byte for byte, with S &lt; L and A a canonical point encoding.
/// </summary>
internal static class Ed25519
{
    /// <summary>The size of a public key in bytes.</summary>
    public const int PublicKeySize = 32;

    /// <summary>The size of a signature in bytes.</summary>
    public const int SignatureSize = 64;

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);
    private static readonly Point BasePoint = CreateBasePoint();

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature by <paramref name="publicKey"/> over <paramref name="message"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        var s = FromLittleEndian(signature[32..]);
        if (s >= L)
        {
            return false;
        }

        if (!TryDecodePoint(publicKey, out var a))
        {
            return false;
        }

        byte[] hash;
        using (var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
        {
            sha512.AppendData(signature[..32]);
            sha512.AppendData(publicKey);
            sha512.AppendData(message);
            hash = sha512.GetHashAndReset();
        }

        var k = FromLittleEndian(hash) % L;
        var check = Add(Multiply(BasePoint, s), Multiply(Negate(a), k));
        Span<byte> encoded = stackalloc byte[32];
        Encode(check, encoded);
        return encoded.SequenceEqual(signature[..32]);
    }

    /// <summary>Whether <paramref name="publicKey"/> is a 32-byte canonical encoding of a curve point (RFC 8032 §5.1.3).</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => publicKey.Length == PublicKeySize && TryDecodePoint(publicKey, out _);

    /// <summary>Decodes a point per RFC 8032 §5.1.3, rejecting non-canonical y and the "negative zero" x.</summary>
    private static bool TryDecodePoint(ReadOnlySpan<byte> encoded, out Point point)
    {
        point = default;
        Span<byte> copy = stackalloc byte[32];
        encoded.CopyTo(copy);
        var sign = (copy[31] >> 7) & 1;
        copy[31] &= 0x7f;
        var y = FromLittleEndian(copy);
        if (y >= P)
        {
            return false;
        }

        var y2 = y * y % P;
        var u = Mod(y2 - 1);
        var v = Mod(D * y2 + 1);
        var v3 = v * v % P * v % P;
        var v7 = v3 * v3 % P * v % P;
        var x = u * v3 % P * BigInteger.ModPow(u * v7 % P, (P - 5) / 8, P) % P;
        var vx2 = v * x % P * x % P;
        if (vx2 != u)
        {
            if (vx2 != Mod(-u))
            {
                return false;
            }

            x = x * SqrtMinusOne % P;
        }

        if (x.IsZero && sign == 1)
        {
            return false;
        }

        if ((int)(x % 2) != sign)
        {
            x = P - x;
        }

        point = new Point(x, y, BigInteger.One, x * y % P);
        return true;
    }

    private static void Encode(Point point, Span<byte> destination)
    {
        var zInverse = Inverse(point.Z);
        var x = point.X * zInverse % P;
        var y = point.Y * zInverse % P;
        destination.Clear();
        y.TryWriteBytes(destination, out _, isUnsigned: true, isBigEndian: false);
        if (!x.IsEven)
        {
            destination[31] |= 0x80;
        }
    }

    // Extended twisted Edwards coordinates (RFC 8032 §5.1.4), a = −1.
    private static Point Add(Point p, Point q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = (p.Y + p.X) * (q.Y + q.X) % P;
        var c = 2 * p.T % P * q.T % P * D % P;
        var d = 2 * p.Z * q.Z % P;
        var e = Mod(b - a);
        var f = Mod(d - c);
        var g = (d + c) % P;
        var h = (b + a) % P;
        return new Point(e * f % P, g * h % P, f * g % P, e * h % P);
    }

    private static Point Double(Point p)
    {
        var a = p.X * p.X % P;
        var b = p.Y * p.Y % P;
        var c = 2 * p.Z * p.Z % P;
        var h = (a + b) % P;
        var xy = (p.X + p.Y) % P;
        var e = Mod(h - xy * xy);
        var g = Mod(a - b);
        var f = (c + g) % P;
        return new Point(e * f % P, g * h % P, f * g % P, e * h % P);
    }

    private static Point Multiply(Point point, BigInteger scalar)
    {
        var result = new Point(BigInteger.Zero, BigInteger.One, BigInteger.One, BigInteger.Zero);
        for (var bit = (int)scalar.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Double(result);
            if (!(scalar >> bit).IsEven)
            {
                result = Add(result, point);
            }
        }

        return result;
    }

    private static Point Negate(Point p) => new(Mod(-p.X), p.Y, p.Z, Mod(-p.T));

    private static Point CreateBasePoint()
    {
        var y = 4 * Inverse(5) % P;
        Span<byte> encoded = stackalloc byte[32];
        y.TryWriteBytes(encoded, out _, isUnsigned: true, isBigEndian: false);
        return TryDecodePoint(encoded, out var point) ? point : throw new InvalidOperationException("Ed25519 base point");
    }

    private static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    private static BigInteger Mod(BigInteger value)
    {
        var result = value % P;
        return result.Sign < 0 ? result + P : result;
    }

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), P - 2, P);

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
