using System.Numerics;
using System.Security.Cryptography;

namespace ImageTrust.Signing.Trust;

/// <summary>
/// Ed25519 signature verification (RFC 8032 §5.1.7), which .NET 10 does not provide. Used for Rekor v2 checkpoints and
/// Ed25519 keys in trust material. Verification only: no secret data is handled, so constant time is not needed.
/// </summary>
internal sealed class Ed25519PublicKey
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger D2 = Mod(2 * D);
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);
    private static readonly Point BasePoint = DecodeBase();

    private readonly byte[] _encoded;
    private readonly Point _point;
    private readonly VerifiedSignatureCache _verified = new();

    private Ed25519PublicKey(byte[] encoded, Point point)
    {
        _encoded = encoded;
        _point = point;
    }

    /// <summary>The 32-byte encoded public key.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>Decodes a 32-byte public key.</summary>
    /// <exception cref="FormatException">The bytes are not a valid curve point.</exception>
    public static Ed25519PublicKey Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != 32 || Decompress(encoded) is not { } point)
        {
            throw new FormatException("not a valid Ed25519 public key");
        }

        return new Ed25519PublicKey(encoded.ToArray(), point);
    }

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        // The big-integer arithmetic costs milliseconds; a checkpoint is shared by many entries, so remember successes.
        var messageCopy = message.ToArray();
        var signatureCopy = signature.ToArray();
        return _verified.GetOrVerify(message, signature, () => VerifyUncached(messageCopy, signatureCopy));
    }

    private bool VerifyUncached(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64 || Decompress(signature[..32]) is not { } r)
        {
            return false;
        }

        var s = new BigInteger(signature[32..], isUnsigned: true, isBigEndian: false);
        if (s >= L)
        {
            return false;
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        sha.AppendData(signature[..32]);
        sha.AppendData(_encoded);
        sha.AppendData(message);
        var k = new BigInteger(sha.GetHashAndReset(), isUnsigned: true, isBigEndian: false) % L;

        var left = Multiply(BasePoint, s);
        var right = Add(r, Multiply(_point, k));
        return Mod((left.X * right.Z) - (right.X * left.Z)).IsZero && Mod((left.Y * right.Z) - (right.Y * left.Z)).IsZero;
    }

    private static BigInteger Mod(BigInteger value)
    {
        var result = value % P;
        return result.Sign < 0 ? result + P : result;
    }

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(((value % P) + P) % P, P - 2, P);

    private static Point DecodeBase()
    {
        var y = Mod(4 * Inverse(5));
        Span<byte> encoded = stackalloc byte[32];
        y.TryWriteBytes(encoded, out _, isUnsigned: true, isBigEndian: false);
        return Decompress(encoded) ?? throw new InvalidOperationException("base point");
    }

    private static Point? Decompress(ReadOnlySpan<byte> encoded)
    {
        Span<byte> copy = stackalloc byte[32];
        encoded.CopyTo(copy);
        var sign = (copy[31] & 0x80) != 0;
        copy[31] &= 0x7f;
        var y = new BigInteger(copy, isUnsigned: true, isBigEndian: false);
        if (y >= P)
        {
            return null;
        }

        var y2 = Mod(y * y);
        var u = Mod(y2 - 1);
        var v = Mod((D * y2) + 1);
        var v3 = Mod(v * v * v);
        var x = Mod(u * v3 * BigInteger.ModPow(Mod(u * v3 * v3 * v), (P - 5) / 8, P));
        var vx2 = Mod(v * x * x);
        if (vx2 != u)
        {
            if (vx2 != Mod(-u))
            {
                return null;
            }

            x = Mod(x * SqrtMinusOne);
        }

        if (x.IsZero && sign)
        {
            return null;
        }

        if (x.IsEven == sign)
        {
            x = P - x;
        }

        return new Point(x, y, BigInteger.One, Mod(x * y));
    }

    private static Point Add(Point p, Point q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(p.T * D2 * q.T);
        var d = Mod(2 * p.Z * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static Point Multiply(Point point, BigInteger scalar)
    {
        var result = new Point(BigInteger.Zero, BigInteger.One, BigInteger.One, BigInteger.Zero);
        var addend = point;
        while (!scalar.IsZero)
        {
            if (!scalar.IsEven)
            {
                result = Add(result, addend);
            }

            addend = Add(addend, addend);
            scalar >>= 1;
        }

        return result;
    }

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
