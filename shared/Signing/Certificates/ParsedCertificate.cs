using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Certificates;

/// <summary>
/// An X.509 certificate decomposed once for direct signature checks (cheaper than <see cref="X509Chain"/>):
/// its TBS bytes, signature algorithm and value, names, validity, key and CA flag.
/// </summary>
internal sealed class ParsedCertificate
{
    private readonly VerifiedSignatureCache _issuedByThis = new();

    private ParsedCertificate(X509Certificate2 certificate, byte[] tbs, string signatureAlgorithm, byte[] signature, VerificationKey? key, bool isCa)
    {
        Certificate = certificate;
        TbsCertificate = tbs;
        SignatureAlgorithm = signatureAlgorithm;
        Signature = signature;
        PublicKey = key;
        IsCertificateAuthority = isCa;
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        SubjectName = certificate.SubjectName.RawData;
        IssuerName = certificate.IssuerName.RawData;
    }

    /// <summary>The certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The DER TBSCertificate, which the issuer signed.</summary>
    public byte[] TbsCertificate { get; }

    /// <summary>The signature algorithm OID.</summary>
    public string SignatureAlgorithm { get; }

    /// <summary>The signature value.</summary>
    public byte[] Signature { get; }

    /// <summary>The subject's public key, or null when its algorithm is unsupported.</summary>
    public VerificationKey? PublicKey { get; }

    /// <summary>Whether basicConstraints marks this certificate as a CA.</summary>
    public bool IsCertificateAuthority { get; }

    /// <summary>Start of validity (UTC, inclusive).</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of validity (UTC, inclusive).</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>DER of the subject name.</summary>
    public byte[] SubjectName { get; }

    /// <summary>DER of the issuer name.</summary>
    public byte[] IssuerName { get; }

    /// <summary>Whether the certificate is self-issued (subject equals issuer).</summary>
    public bool IsSelfIssued => SubjectName.AsSpan().SequenceEqual(IssuerName);

    /// <summary>Decomposes <paramref name="certificate"/>.</summary>
    /// <exception cref="FormatException">The certificate's DER is malformed.</exception>
    public static ParsedCertificate From(X509Certificate2 certificate)
    {
        try
        {
            var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            var tbs = sequence.ReadEncodedValue().ToArray();
            var algorithm = sequence.ReadSequence().ReadObjectIdentifier();
            var signature = sequence.ReadBitString(out _);
            VerificationKey? key;
            try
            {
                key = VerificationKey.FromDer(certificate.PublicKey.ExportSubjectPublicKeyInfo());
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                key = null;
            }

            var isCa = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(extension => extension.CertificateAuthority);
            return new ParsedCertificate(certificate, tbs, algorithm, signature, key, isCa);
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"malformed certificate: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="instant"/> is within notBefore..notAfter (inclusive).</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= NotBefore && instant <= NotAfter;

    /// <summary>Whether <paramref name="issuer"/> is named as this certificate's issuer and its key signed this certificate.</summary>
    public bool IsSignedBy(ParsedCertificate issuer)
    {
        if (!IssuerName.AsSpan().SequenceEqual(issuer.SubjectName) || issuer.PublicKey is not { } key)
        {
            return false;
        }

        // A CA verifies the same certificates again on every re-verification; P-384 checks are the costliest step.
        return issuer._issuedByThis.GetOrVerify(TbsCertificate, Signature, () => VerifySignature(key));
    }

    private bool VerifySignature(VerificationKey key)
    {
        return SignatureAlgorithm switch
        {
            "1.2.840.10045.4.3.2" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyData(TbsCertificate, Signature, HashAlgorithmName.SHA256),
            "1.2.840.10045.4.3.3" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyData(TbsCertificate, Signature, HashAlgorithmName.SHA384),
            "1.2.840.10045.4.3.4" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyData(TbsCertificate, Signature, HashAlgorithmName.SHA512),
            "1.2.840.113549.1.1.11" => VerifyRsa(key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.12" => VerifyRsa(key, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.13" => VerifyRsa(key, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "1.3.101.112" => key.Algorithm == VerificationKeyAlgorithm.Ed25519 && key.VerifyData(TbsCertificate, Signature),
            _ => false,
        };
    }

    private bool VerifyRsa(VerificationKey key, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        var digest = CryptographicOperations.HashData(hash, TbsCertificate);
        return key.VerifyRsaHash(digest, Signature, hash, padding);
    }
}
