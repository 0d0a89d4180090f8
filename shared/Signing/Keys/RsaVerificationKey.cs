using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// An RSA key (2048 to 8192 bits). Its default padding is PKCS#1 v1.5, or PSS (salt length equal to the digest length, as
/// Cloud KMS and <c>openssl -sigopt rsa_pss_saltlen:digest</c> produce) for a PSS-only key; cosign's classic signatures may
/// use either padding unless the key is PSS-only.
/// </summary>
internal sealed class RsaVerificationKey : VerificationKey
{
    private const int MinimumKeyBits = 2048;
    private const int MaximumKeyBits = 8192;

    private readonly RSA _key;
    private readonly bool _pssOnly;

    private RsaVerificationKey(byte[] subjectPublicKeyInfo, RSA key, bool pssOnly)
        : base(subjectPublicKeyInfo)
    {
        _key = key;
        _pssOnly = pssOnly;
        Name = $"rsa{key.KeySize}-sha256";
    }

    /// <inheritdoc />
    public override VerificationKeyAlgorithm Algorithm => _pssOnly ? VerificationKeyAlgorithm.RsaPss : VerificationKeyAlgorithm.RsaPkcs1;

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Imports an RSA key from its DER <c>SubjectPublicKeyInfo</c> (<paramref name="pkcs1"/> false) or PKCS#1 <c>RSAPublicKey</c>.</summary>
    /// <exception cref="FormatException">The key is malformed, or smaller than 2048 or larger than 8192 bits.</exception>
    internal static RsaVerificationKey Import(ReadOnlySpan<byte> der, bool pkcs1, bool pssOnly)
    {
        var key = RSA.Create();
        try
        {
            int read;
            if (pkcs1)
            {
                key.ImportRSAPublicKey(der, out read);
            }
            else
            {
                key.ImportSubjectPublicKeyInfo(der, out read);
            }

            if (read != der.Length)
            {
                throw new FormatException("RSA public key has trailing data");
            }

            if (key.KeySize is < MinimumKeyBits or > MaximumKeyBits)
            {
                throw new FormatException($"RSA key size {key.KeySize} is not supported ({MinimumKeyBits}–{MaximumKeyBits} bits)");
            }

            return new RsaVerificationKey(pkcs1 ? key.ExportSubjectPublicKeyInfo() : der.ToArray(), key, pssOnly);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new FormatException($"not a valid RSA public key: {e.Message}", e);
        }
        catch (FormatException)
        {
            key.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(message, digest);
        return (!_pssOnly && VerifyDigest(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
               || VerifyDigest(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    /// <inheritdoc />
    public override bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        Span<byte> digest = stackalloc byte[64];
        var length = CryptographicOperations.HashData(hash, message, digest);
        return VerifyDigest(digest[..length], signature, hash);
    }

    /// <inheritdoc />
    public override bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
        => VerifyDigest(digest, signature, hash, _pssOnly ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);

    /// <summary>Verifies with the given <paramref name="padding"/>, whatever the key's default (a certificate's signature algorithm names it).</summary>
    public bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        if (signature.Length != (_key.KeySize + 7) / 8)
        {
            return false;
        }

        try
        {
            lock (_key)
            {
                return _key.VerifyHash(digest, signature, hash, padding);
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }
    }
}
