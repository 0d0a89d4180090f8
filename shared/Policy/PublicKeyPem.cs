using System.Formats.Asn1;
using System.Security.Cryptography;

namespace ImageTrust.Policy;

/// <summary>
/// Structural validation of a PEM public key as a policy names it, so a bad key fails at load rather than at the first
/// verification. The verifier parses the key itself; this only rejects what it could never use.
/// </summary>
internal static class PublicKeyPem
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string RsaPssOid = "1.2.840.113549.1.1.10";
    private const string Ed25519Oid = "1.3.101.112";

    /// <summary>Checks that <paramref name="pem"/> holds exactly one <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) of a supported type.</summary>
    /// <returns>A short description such as <c>ECDSA P-256</c>.</returns>
    /// <exception cref="FormatException">It is not such a key.</exception>
    public static string Validate(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("no PEM block found (expected '-----BEGIN PUBLIC KEY-----')");
        }

        var label = pem.AsSpan()[fields.Label].ToString();
        if (label != "PUBLIC KEY")
        {
            throw new FormatException($"PEM block is '{label}', expected 'PUBLIC KEY'" + (label.Contains("PRIVATE", StringComparison.Ordinal) ? " (this is a private key; give the public key)" : string.Empty));
        }

        if (PemEncoding.TryFind(pem.AsSpan(fields.Location.End.Value), out _))
        {
            throw new FormatException("more than one PEM block; give exactly one public key");
        }

        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written) || written != der.Length)
        {
            throw new FormatException("PEM base64 content is invalid");
        }

        try
        {
            return Describe(der);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new FormatException($"public key is malformed: {e.Message}", e);
        }
    }

    private static string Describe(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var spki = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var algorithm = spki.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        switch (oid)
        {
            case EcPublicKeyOid:
                using (var ecdsa = ECDsa.Create())
                {
                    ecdsa.ImportSubjectPublicKeyInfo(der, out _);
                    return ecdsa.KeySize switch
                    {
                        256 => "ECDSA P-256",
                        384 => "ECDSA P-384",
                        521 => "ECDSA P-521",
                        var size => throw new FormatException($"ECDSA curve of {size} bits is not supported"),
                    };
                }

            case RsaEncryptionOid or RsaPssOid:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportSubjectPublicKeyInfo(der, out _);
                    if (rsa.KeySize < 2048)
                    {
                        throw new FormatException($"RSA key of {rsa.KeySize} bits is too small (at least 2048)");
                    }

                    return $"RSA {rsa.KeySize}";
                }

            case Ed25519Oid:
                var key = spki.ReadBitString(out var unused);
                if (unused != 0 || key.Length != 32)
                {
                    throw new FormatException("Ed25519 public key must be 32 bytes");
                }

                return "Ed25519";
            default:
                throw new FormatException($"public key algorithm {oid} is not supported (ECDSA, RSA, Ed25519)");
        }
    }
}
