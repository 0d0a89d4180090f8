using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// An RSA key (2048 bits or more) verifying SHA-256 signatures with PKCS#1 v1.5 padding (cosign's default) or PSS
/// (salt length equal to the digest length, as Cloud KMS and <c>openssl -sigopt rsa_pss_saltlen:digest</c> produce).
/// </summary>
internal sealed class RsaPublicKeyVerifier : PublicKeyVerifier, IDisposable
{
    private const int MinimumKeyBits = 2048;
    private const int MaximumKeyBits = 8192;

    private readonly RSA _key;
    private readonly bool _pssOnly;

    private RsaPublicKeyVerifier(byte[] subjectPublicKeyInfo, RSA key, bool pssOnly)
        : base(subjectPublicKeyInfo)
    {
        _key = key;
        _pssOnly = pssOnly;
        Algorithm = $"rsa{key.KeySize}-sha256";
    }

    /// <inheritdoc />
    public override string Algorithm { get; }

    /// <summary>Imports a DER <c>SubjectPublicKeyInfo</c> of an RSA key.</summary>
    /// <param name="subjectPublicKeyInfo">The DER key.</param>
    /// <param name="pssOnly">Accept only PSS signatures (a Cloud KMS key whose algorithm says PSS).</param>
    /// <exception cref="FormatException">The key is not RSA, or is smaller than 2048 or larger than 8192 bits.</exception>
    public static RsaPublicKeyVerifier Import(byte[] subjectPublicKeyInfo, bool pssOnly = false)
    {
        var key = RSA.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw new FormatException("RSA public key has trailing data");
            }

            if (key.KeySize is < MinimumKeyBits or > MaximumKeyBits)
            {
                throw new FormatException($"RSA key size {key.KeySize} is not supported ({MinimumKeyBits}–{MaximumKeyBits} bits)");
            }

            return new RsaPublicKeyVerifier(subjectPublicKeyInfo, key, pssOnly);
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
    public override bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != (_key.KeySize + 7) / 8)
        {
            return false;
        }

        try
        {
            return (!_pssOnly && _key.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                || _key.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
