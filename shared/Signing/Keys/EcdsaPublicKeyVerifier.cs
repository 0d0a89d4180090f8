using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// An ECDSA P-256/P-384/P-521 key verifying ASN.1 DER signatures (<see cref="DSASignatureFormat.Rfc3279DerSequence"/>).
/// The digest is SHA-256 for every curve, as cosign's and skopeo's defaults; P-384 and P-521 keys also accept their
/// curve-sized digest (SHA-384, SHA-512), which Cloud KMS keys and sigstore-go's defaults use.
/// </summary>
internal sealed class EcdsaPublicKeyVerifier : PublicKeyVerifier, IDisposable
{
    private readonly ECDsa _key;
    private readonly HashAlgorithmName _alternateHash;

    private EcdsaPublicKeyVerifier(byte[] subjectPublicKeyInfo, ECDsa key, string algorithm, HashAlgorithmName alternateHash)
        : base(subjectPublicKeyInfo)
    {
        _key = key;
        _alternateHash = alternateHash;
        Algorithm = algorithm;
    }

    /// <inheritdoc />
    public override string Algorithm { get; }

    /// <summary>Imports a DER <c>SubjectPublicKeyInfo</c> of an EC key on a NIST curve named by <paramref name="curveOid"/>.</summary>
    /// <param name="subjectPublicKeyInfo">The DER key.</param>
    /// <param name="curveOid">The named-curve OID from the key's algorithm parameters.</param>
    /// <param name="imported">The same key already imported from exactly <paramref name="subjectPublicKeyInfo"/>, to share (this verifier then owns it), or null.</param>
    /// <exception cref="FormatException">The key is not an EC key on P-256, P-384 or P-521.</exception>
    public static EcdsaPublicKeyVerifier Import(byte[] subjectPublicKeyInfo, string curveOid, ECDsa? imported = null)
    {
        var (algorithm, alternate) = curveOid switch
        {
            KeyOids.P256 => ("ecdsa-p256-sha256", default(HashAlgorithmName)),
            KeyOids.P384 => ("ecdsa-p384-sha256", HashAlgorithmName.SHA384),
            KeyOids.P521 => ("ecdsa-p521-sha256", HashAlgorithmName.SHA512),
            var other => throw new FormatException($"EC curve '{other}' is not supported (P-256, P-384, P-521)"),
        };
        if (imported is not null)
        {
            return new EcdsaPublicKeyVerifier(subjectPublicKeyInfo, imported, algorithm, alternate);
        }

        var key = EcdsaKeyFactory.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw new FormatException("EC public key has trailing data");
            }

            return new EcdsaPublicKeyVerifier(subjectPublicKeyInfo, key, algorithm, alternate);
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
    public override bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty)
        {
            return false;
        }

        try
        {
            if (_key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                return true;
            }

            return _alternateHash.Name is not null
                && _key.VerifyData(message, signature, _alternateHash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
