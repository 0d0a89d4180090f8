using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// An ECDSA P-256/P-384/P-521 key verifying ASN.1 DER signatures (<see cref="DSASignatureFormat.Rfc3279DerSequence"/>).
/// cosign's classic signatures use SHA-256 on every curve, as skopeo's do; P-384 and P-521 keys also accept their
/// curve-sized digest (SHA-384, SHA-512), which Cloud KMS keys and sigstore-go's defaults use.
/// </summary>
internal sealed class EcdsaVerificationKey : VerificationKey
{
    private readonly ECDsa _key;
    private readonly HashAlgorithmName _curveHash;

    private EcdsaVerificationKey(byte[] subjectPublicKeyInfo, ECDsa key, string name, HashAlgorithmName curveHash)
        : base(subjectPublicKeyInfo)
    {
        _key = key;
        _curveHash = curveHash;
        Name = name;
    }

    /// <inheritdoc />
    public override VerificationKeyAlgorithm Algorithm => VerificationKeyAlgorithm.Ecdsa;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override HashAlgorithmName DefaultHash => _curveHash;

    /// <summary>Imports a DER <c>SubjectPublicKeyInfo</c> of an EC key on a NIST curve, whose own hash is <paramref name="curveHash"/>.</summary>
    /// <param name="subjectPublicKeyInfo">The DER key (kept, not copied).</param>
    /// <param name="name">The key's short description.</param>
    /// <param name="curveHash">SHA-256, SHA-384 or SHA-512 for P-256, P-384 or P-521.</param>
    /// <exception cref="FormatException">The key is not a valid point on the curve.</exception>
    internal static EcdsaVerificationKey Import(byte[] subjectPublicKeyInfo, string name, HashAlgorithmName curveHash)
    {
        // EcdsaKeyFactory: the OpenSSL type itself on Linux, whose span-based verify allocates nothing.
        var key = EcdsaKeyFactory.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw new FormatException("EC public key has trailing data");
            }

            return new EcdsaVerificationKey(subjectPublicKeyInfo, key, name, curveHash);
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            key.Dispose();
            throw new FormatException($"not a valid EC public key: {e.Message}", e);
        }
        catch (FormatException)
        {
            key.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        => VerifyMessage(message, signature, HashAlgorithmName.SHA256)
           || (_curveHash != HashAlgorithmName.SHA256 && VerifyMessage(message, signature, _curveHash));

    /// <inheritdoc />
    public override bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        Span<byte> digest = stackalloc byte[64];
        var length = CryptographicOperations.HashData(hash, message, digest);
        return VerifyDigest(digest[..length], signature, hash);
    }

    /// <inheritdoc />
    public override bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        if (signature.IsEmpty)
        {
            return false;
        }

        try
        {
            // One key is shared by every verification that names it (a policy key, a log's key).
            lock (_key)
            {
                return _key.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
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
