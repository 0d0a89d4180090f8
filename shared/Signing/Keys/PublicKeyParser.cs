using System.Formats.Asn1;
using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// The one parser of public keys, wherever they come from (a policy, a Cloud KMS answer, a bundle or certificate, trust
/// material): a DER <c>SubjectPublicKeyInfo</c> read strictly (whole, no trailing data, a whole-byte key BIT STRING, a named
/// curve), or a PKCS#1 <c>RSAPublicKey</c> where its source says so. ECDSA P-256/P-384/P-521, RSA 2048–8192 bits, Ed25519.
/// </summary>
internal static class PublicKeyParser
{
    private const int MaxPemLength = 64 * 1024;

    private static readonly byte[] EcPublicKey = Encode(KeyOids.EcPublicKey);
    private static readonly byte[] Rsa = Encode(KeyOids.Rsa);
    private static readonly byte[] RsaPss = Encode(KeyOids.RsaPss);
    private static readonly byte[] Ed25519Key = Encode(KeyOids.Ed25519);
    private static readonly byte[] P256 = Encode(KeyOids.P256);
    private static readonly byte[] P384 = Encode(KeyOids.P384);
    private static readonly byte[] P521 = Encode(KeyOids.P521);

    /// <summary>
    /// Parses the first <c>PUBLIC KEY</c> (<c>SubjectPublicKeyInfo</c>) or <c>RSA PUBLIC KEY</c> (PKCS#1) block of
    /// <paramref name="pem"/>; blocks with other labels are skipped.
    /// </summary>
    /// <exception cref="FormatException">There is no such block, or the key is malformed or unsupported (the message says which).</exception>
    public static VerificationKey ParsePem(string pem, KeyOptions options = KeyOptions.None)
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
            if (label.SequenceEqual("PUBLIC KEY") || label.SequenceEqual("RSA PUBLIC KEY"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(remaining[fields.Base64Data], der, out var written) || written != der.Length)
                {
                    throw new FormatException("the public key PEM block is not valid base64");
                }

                return label.SequenceEqual("PUBLIC KEY") ? ParseDer(der, options) : ParsePkcs1Rsa(der, options);
            }

            remaining = remaining[fields.Location.End..];
        }

        throw new FormatException("no '-----BEGIN PUBLIC KEY-----' block found");
    }

    /// <summary>Parses a DER <c>SubjectPublicKeyInfo</c>.</summary>
    /// <exception cref="FormatException">The key is malformed or of an unsupported type.</exception>
    public static VerificationKey ParseDer(ReadOnlySpan<byte> subjectPublicKeyInfo, KeyOptions options = KeyOptions.None)
    {
        ReadOnlySpan<byte> algorithm, parameters, keyBits;
        try
        {
            Read(subjectPublicKeyInfo, out algorithm, out parameters, out keyBits);
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"public key is not a DER SubjectPublicKeyInfo: {e.Message}", e);
        }

        if (algorithm.SequenceEqual(EcPublicKey))
        {
            // The curve must be named (RFC 5480): explicit parameters are refused, not guessed.
            var spki = subjectPublicKeyInfo.ToArray();
            return parameters.SequenceEqual(P256) ? EcdsaVerificationKey.Import(spki, "ecdsa-p256-sha256", HashAlgorithmName.SHA256)
                : parameters.SequenceEqual(P384) ? EcdsaVerificationKey.Import(spki, "ecdsa-p384-sha256", HashAlgorithmName.SHA384)
                : parameters.SequenceEqual(P521) ? EcdsaVerificationKey.Import(spki, "ecdsa-p521-sha256", HashAlgorithmName.SHA512)
                : throw new FormatException($"EC curve '{Describe(parameters)}' is not supported (P-256, P-384, P-521)");
        }

        if (algorithm.SequenceEqual(Rsa) || algorithm.SequenceEqual(RsaPss))
        {
            return RsaVerificationKey.Import(subjectPublicKeyInfo, pkcs1: false, pssOnly: (options & KeyOptions.RsaPssOnly) != 0 || algorithm.SequenceEqual(RsaPss));
        }

        if (algorithm.SequenceEqual(Ed25519Key))
        {
            return Ed25519VerificationKey.Create(subjectPublicKeyInfo.ToArray(), keyBits.ToArray());
        }

        throw new FormatException($"public key algorithm {Describe(algorithm)} is not supported (ECDSA, RSA, Ed25519)");
    }

    /// <summary>Parses a DER PKCS#1 <c>RSAPublicKey</c> (a PEM <c>RSA PUBLIC KEY</c>, a trusted root's <c>PKCS1_RSA_…</c> key).</summary>
    /// <exception cref="FormatException">The bytes are not an RSA public key of a supported size.</exception>
    public static VerificationKey ParsePkcs1Rsa(ReadOnlySpan<byte> rsaPublicKey, KeyOptions options = KeyOptions.None)
        => RsaVerificationKey.Import(rsaPublicKey, pkcs1: true, pssOnly: (options & KeyOptions.RsaPssOnly) != 0);

    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { OID, parameters ANY OPTIONAL }, subjectPublicKey BIT STRING },
    // read in place: the algorithm and parameters come back as whole DER elements. The key must be a whole number of bytes:
    // a BIT STRING with unused bits is refused, as Go's parser effectively does, rather than read as if they were not there.
    private static void Read(ReadOnlySpan<byte> der, out ReadOnlySpan<byte> algorithm, out ReadOnlySpan<byte> parameters, out ReadOnlySpan<byte> keyBits)
    {
        AsnDecoder.ReadSequence(der, AsnEncodingRules.DER, out var spkiOffset, out var spkiLength, out var consumed);
        if (consumed != der.Length)
        {
            throw new AsnContentException("unexpected data after the public key");
        }

        var spki = der.Slice(spkiOffset, spkiLength);
        AsnDecoder.ReadSequence(spki, AsnEncodingRules.DER, out var algorithmOffset, out var algorithmLength, out var algorithmConsumed);
        if (!AsnDecoder.TryReadPrimitiveBitString(spki[algorithmConsumed..], AsnEncodingRules.DER, out var unusedBits, out keyBits, out var keyConsumed)
            || unusedBits != 0 || algorithmConsumed + keyConsumed != spki.Length)
        {
            throw new AsnContentException("the public key is not a whole-byte BIT STRING ending the SubjectPublicKeyInfo");
        }

        var identifier = spki.Slice(algorithmOffset, algorithmLength);
        if (!Asn1Tag.Decode(identifier, out _).HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            throw new AsnContentException("the algorithm identifier does not start with an object identifier");
        }

        AsnDecoder.ReadEncodedValue(identifier, AsnEncodingRules.DER, out _, out _, out var oidLength);
        algorithm = identifier[..oidLength];
        parameters = identifier[oidLength..];
    }

    private static string Describe(ReadOnlySpan<byte> element)
    {
        try
        {
            return element.IsEmpty ? "absent"
                : Asn1Tag.Decode(element, out _).HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? AsnDecoder.ReadObjectIdentifier(element, AsnEncodingRules.DER, out _)
                : "explicit parameters";
        }
        catch (AsnContentException)
        {
            return "malformed";
        }
    }

    private static byte[] Encode(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }
}
