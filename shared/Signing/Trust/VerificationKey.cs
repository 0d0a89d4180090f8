using System.Formats.Asn1;
using System.Security.Cryptography;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Trust;

/// <summary>
/// A parsed public key that verifies signatures: ECDSA (DER signatures), RSA PKCS#1 v1.5 or PSS, or Ed25519.
/// Parsed once; verification methods are safe to call from several threads.
/// </summary>
internal sealed class VerificationKey
{
    private const string Ed25519Oid = "1.3.101.112";

    private static readonly KnownOid[] KnownKeyAlgorithms = [new(KeyOids.EcPublicKey), new(KeyOids.Rsa), new("1.2.840.113549.1.1.10"), new(Ed25519Oid)];

    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly byte[]? _ed25519;

    // Ed25519 verification is big-integer arithmetic costing milliseconds, and one checkpoint is shared by many entries.
    private readonly VerifiedSignatureCache? _ed25519Verified;
    private readonly Lock _gate = new();
    private string? _keyIdHex;

    private VerificationKey(byte[] spki, VerificationKeyAlgorithm algorithm, ECDsa? ecdsa, RSA? rsa, byte[]? ed25519)
    {
        SubjectPublicKeyInfo = spki;
        Algorithm = algorithm;
        _ecdsa = ecdsa;
        _rsa = rsa;
        _ed25519 = ed25519;
        _ed25519Verified = ed25519 is null ? null : new VerifiedSignatureCache();
        KeyId = SHA256.HashData(spki);
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>The algorithm family.</summary>
    public VerificationKeyAlgorithm Algorithm { get; }

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo (Rekor's and CT's log id for the key).</summary>
    public byte[] KeyId { get; }

    /// <summary>Lower-case hex of <see cref="KeyId"/>.</summary>
    public string KeyIdHex => _keyIdHex ??= Convert.ToHexStringLower(KeyId);

    /// <summary>
    /// The imported ECDSA key (null for other algorithms), for a verifier of the same SubjectPublicKeyInfo to share rather
    /// than import the key a second time.
    /// </summary>
    public ECDsa? Ecdsa => _ecdsa;

    /// <summary>The hash an ECDSA key conventionally pairs with (by curve size); SHA-256 for other keys.</summary>
    public HashAlgorithmName DefaultHash => _ecdsa?.KeySize switch
    {
        384 => HashAlgorithmName.SHA384,
        521 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>Parses a DER SubjectPublicKeyInfo, or (for RSA only) a bare PKCS#1 RSAPublicKey.</summary>
    /// <param name="der">The key bytes.</param>
    /// <param name="rsaPss">Treat an RSA key as RSA-PSS rather than PKCS#1 v1.5.</param>
    /// <exception cref="FormatException">The bytes are not a supported public key.</exception>
    public static VerificationKey FromDer(ReadOnlySpan<byte> der, bool rsaPss = false)
    {
        string algorithmOid;
        try
        {
            algorithmOid = ReadAlgorithmOid(der);
        }
        catch (AsnContentException)
        {
            return FromPkcs1Rsa(der, rsaPss);
        }

        try
        {
            switch (algorithmOid)
            {
                case "1.2.840.10045.2.1":
                    var ecdsa = EcdsaKeyFactory.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(der, out _);
                    return new VerificationKey(der.ToArray(), VerificationKeyAlgorithm.Ecdsa, ecdsa, null, null);
                case "1.2.840.113549.1.1.1":
                case "1.2.840.113549.1.1.10":
                    var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(der, out _);
                    return new VerificationKey(der.ToArray(), rsaPss || algorithmOid == "1.2.840.113549.1.1.10" ? VerificationKeyAlgorithm.RsaPss : VerificationKeyAlgorithm.RsaPkcs1, null, rsa, null);
                case Ed25519Oid:
                    return new VerificationKey(der.ToArray(), VerificationKeyAlgorithm.Ed25519, null, null, ReadEd25519PublicKey(der));
                default:
                    throw new FormatException($"unsupported public key algorithm {algorithmOid}");
            }
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw new FormatException($"invalid public key: {e.Message}", e);
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"invalid public key: {e.Message}", e);
        }
    }

    /// <summary>Parses a PEM <c>PUBLIC KEY</c> (or <c>RSA PUBLIC KEY</c>) block.</summary>
    /// <exception cref="FormatException">No supported public key is found.</exception>
    public static VerificationKey FromPem(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("no PEM block found");
        }

        var label = pem[fields.Label];
        if (label is not ("PUBLIC KEY" or "RSA PUBLIC KEY"))
        {
            throw new FormatException($"expected a PUBLIC KEY PEM block, found {label}");
        }

        return FromDer(Convert.FromBase64String(pem[fields.Base64Data]));
    }

    /// <summary>Verifies a signature over <paramref name="data"/> hashed with <paramref name="hash"/> (ignored for Ed25519).</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        if (_ed25519 is not null && _ed25519Verified is not null)
        {
            var publicKey = _ed25519;
            var dataCopy = data.ToArray();
            var signatureCopy = signature.ToArray();
            return _ed25519Verified.GetOrVerify(data, signature, () => Ed25519.Verify(publicKey, dataCopy, signatureCopy));
        }

        Span<byte> digest = stackalloc byte[64];
        var length = CryptographicOperations.HashData(hash, data, digest);
        return VerifyHash(digest[..length], signature, hash);
    }

    /// <summary>Verifies a signature over <paramref name="data"/> with the key's <see cref="DefaultHash"/>.</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => VerifyData(data, signature, DefaultHash);

    /// <summary>Verifies a signature over an already computed digest. Always false for Ed25519, which signs messages, not digests.</summary>
    public bool VerifyHash(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        try
        {
            lock (_gate)
            {
                if (_ecdsa is not null)
                {
                    return _ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
                }

                if (_rsa is not null)
                {
                    var padding = Algorithm == VerificationKeyAlgorithm.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                    return _rsa.VerifyHash(digest, signature, hash, padding);
                }
            }
        }
        catch (CryptographicException)
        {
            return false;
        }

        return false;
    }

    /// <summary>Verifies with the other RSA padding too when the key is RSA (certificate signatures name their padding).</summary>
    public bool VerifyRsaHash(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        if (_rsa is null)
        {
            return false;
        }

        try
        {
            lock (_gate)
            {
                return _rsa.VerifyHash(digest, signature, hash, padding);
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static VerificationKey FromPkcs1Rsa(ReadOnlySpan<byte> der, bool rsaPss)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportRSAPublicKey(der, out var read);
            if (read != der.Length)
            {
                throw new FormatException("trailing bytes after the RSA public key");
            }

            return new VerificationKey(rsa.ExportSubjectPublicKeyInfo(), rsaPss ? VerificationKeyAlgorithm.RsaPss : VerificationKeyAlgorithm.RsaPkcs1, null, rsa, null);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"not a public key: {e.Message}", e);
        }
    }

    // The algorithm OID of a SubjectPublicKeyInfo, read in place (the usual ones come back as constants, not new strings).
    // The key must be a whole number of bytes: a BIT STRING with unused bits is refused, as Go's parser effectively does,
    // rather than imported as if they were not there.
    private static string ReadAlgorithmOid(ReadOnlySpan<byte> der)
    {
        AsnDecoder.ReadSequence(der, AsnEncodingRules.DER, out var spkiOffset, out var spkiLength, out var consumed);
        if (consumed != der.Length)
        {
            throw new AsnContentException("unexpected data after the public key");
        }

        var spki = der.Slice(spkiOffset, spkiLength);
        AsnDecoder.ReadSequence(spki, AsnEncodingRules.DER, out var algorithmOffset, out var algorithmLength, out var algorithmConsumed);
        if (!AsnDecoder.TryReadPrimitiveBitString(spki[algorithmConsumed..], AsnEncodingRules.DER, out var unusedBits, out _, out var keyConsumed)
            || unusedBits != 0 || algorithmConsumed + keyConsumed != spki.Length)
        {
            throw new AsnContentException("the public key is not a whole-byte BIT STRING ending the SubjectPublicKeyInfo");
        }

        var algorithm = spki.Slice(algorithmOffset, algorithmLength);
        AsnDecoder.ReadEncodedValue(algorithm, AsnEncodingRules.DER, out _, out _, out var oidLength);
        var oid = algorithm[..oidLength];
        return KnownOid.FindIn(KnownKeyAlgorithms, oid)?.Value ?? AsnDecoder.ReadObjectIdentifier(oid, AsnEncodingRules.DER, out _);
    }

    private static byte[] ReadEd25519PublicKey(ReadOnlySpan<byte> der)
    {
        var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
        var spki = reader.ReadSequence();
        spki.ReadSequence();
        var publicKey = spki.ReadBitString(out _);
        if (!Ed25519.IsValidPublicKey(publicKey))
        {
            throw new FormatException("not a valid Ed25519 public key");
        }

        return publicKey;
    }
}
