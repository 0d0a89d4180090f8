using System.Formats.Asn1;
using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>Parses PEM or DER public keys (<c>SubjectPublicKeyInfo</c>) into <see cref="PublicKeyVerifier"/>s.</summary>
internal static class PublicKeyParser
{
    private const int MaxPemLength = 64 * 1024;

    /// <summary>Parses the first <c>PUBLIC KEY</c> PEM block of <paramref name="pem"/>.</summary>
    /// <exception cref="FormatException">There is no PUBLIC KEY block, or the key is malformed or of an unsupported type (the message names it).</exception>
    public static PublicKeyVerifier ParsePem(string pem, KeyOptions options = KeyOptions.None)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Length > MaxPemLength)
        {
            throw new FormatException($"public key PEM is larger than {MaxPemLength} characters");
        }

        var remaining = pem.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            var label = remaining[fields.Label];
            if (label.SequenceEqual("PUBLIC KEY"))
            {
                return ParseDer(Convert.FromBase64String(remaining[fields.Base64Data].ToString()), options);
            }

            remaining = remaining[fields.Location.End..];
        }

        throw new FormatException("no '-----BEGIN PUBLIC KEY-----' block found");
    }

    /// <summary>Parses a DER <c>SubjectPublicKeyInfo</c>.</summary>
    /// <param name="subjectPublicKeyInfo">The DER key.</param>
    /// <param name="options">Key options.</param>
    /// <param name="imported">
    /// For an EC key, the same key already imported from exactly these bytes (e.g. by a certificate's
    /// <see cref="Trust.VerificationKey"/>): the verifier shares it, and disposes it when disposed. Null: import here.
    /// </param>
    /// <exception cref="FormatException">The key is malformed or of an unsupported type.</exception>
    public static PublicKeyVerifier ParseDer(byte[] subjectPublicKeyInfo, KeyOptions options = KeyOptions.None, ECDsa? imported = null)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        string algorithm;
        string? curve = null;
        byte[] keyBits;
        try
        {
            var reader = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER);
            var spki = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithmIdentifier = spki.ReadSequence();
            algorithm = algorithmIdentifier.ReadObjectIdentifier();
            if (algorithm == KeyOids.EcPublicKey)
            {
                // The curve must be named (RFC 5480): explicit parameters are refused here, not guessed.
                curve = algorithmIdentifier.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? algorithmIdentifier.ReadObjectIdentifier() : "explicit parameters";
            }

            keyBits = spki.ReadBitString(out var unused);
            spki.ThrowIfNotEmpty();
            if (unused != 0)
            {
                throw new FormatException("public key bit string has unused bits");
            }
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"public key is not a DER SubjectPublicKeyInfo: {e.Message}", e);
        }

        return algorithm switch
        {
            KeyOids.EcPublicKey => EcdsaPublicKeyVerifier.Import(subjectPublicKeyInfo, curve!, imported),
            KeyOids.Rsa => RsaPublicKeyVerifier.Import(subjectPublicKeyInfo, (options & KeyOptions.RsaPssOnly) != 0),
            KeyOids.Ed25519 => Ed25519PublicKeyVerifier.Create(subjectPublicKeyInfo, keyBits),
            _ => throw new FormatException($"public key algorithm {algorithm} is not supported (ECDSA, RSA, Ed25519)"),
        };
    }
}
