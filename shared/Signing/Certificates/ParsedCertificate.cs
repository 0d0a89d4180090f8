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
    // Signatures this certificate's key verified; created when it first acts as an issuer (most certificates never do).
    private VerifiedSignatureCache? _issuedByThis;

    private ParsedCertificate(X509Certificate2 certificate, ReadOnlyMemory<byte> tbs, string signatureAlgorithm, ReadOnlyMemory<byte> signature, VerificationKey? key, bool isCa, ReadOnlyMemory<byte> subject, ReadOnlyMemory<byte> issuer)
    {
        Certificate = certificate;
        TbsCertificate = tbs;
        SignatureAlgorithm = signatureAlgorithm;
        Signature = signature;
        PublicKey = key;
        IsCertificateAuthority = isCa;
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        SubjectName = subject;
        IssuerName = issuer;
    }

    /// <summary>The certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The DER TBSCertificate, which the issuer signed (a slice of the certificate's DER).</summary>
    public ReadOnlyMemory<byte> TbsCertificate { get; }

    /// <summary>The signature algorithm OID.</summary>
    public string SignatureAlgorithm { get; }

    /// <summary>The signature value (a slice of the certificate's DER).</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The subject's public key, or null when its algorithm is unsupported.</summary>
    public VerificationKey? PublicKey { get; }

    /// <summary>Whether basicConstraints marks this certificate as a CA.</summary>
    public bool IsCertificateAuthority { get; }

    /// <summary>Start of validity (UTC, inclusive).</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of validity (UTC, inclusive).</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>DER of the subject name.</summary>
    public ReadOnlyMemory<byte> SubjectName { get; }

    /// <summary>DER of the issuer name.</summary>
    public ReadOnlyMemory<byte> IssuerName { get; }

    /// <summary>Whether the certificate is self-issued (subject equals issuer).</summary>
    public bool IsSelfIssued => SubjectName.Span.SequenceEqual(IssuerName.Span);

    /// <summary>Decomposes <paramref name="certificate"/>.</summary>
    /// <exception cref="FormatException">The certificate's DER is malformed.</exception>
    public static ParsedCertificate From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            // Slices of the certificate's own DER (RawDataMemory is not a copy): nothing here is copied per certificate.
            var der = certificate.RawDataMemory;
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            var tbs = sequence.ReadEncodedValue();
            var algorithm = sequence.ReadSequence().ReadObjectIdentifier();
            var signature = sequence.TryReadPrimitiveBitString(out _, out var value) ? value : sequence.ReadBitString(out _);
            var (subject, issuer, spki) = ReadNames(certificate, tbs);
            VerificationKey? key;
            try
            {
                key = VerificationKey.FromDer(spki.Span);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                key = null;
            }

            var isCa = false;
            foreach (var extension in certificate.Extensions)
            {
                if (extension is X509BasicConstraintsExtension { CertificateAuthority: true })
                {
                    isCa = true;
                    break;
                }
            }

            return new ParsedCertificate(certificate, tbs, algorithm, signature, key, isCa, subject, issuer);
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
        if (!IssuerName.Span.SequenceEqual(issuer.SubjectName.Span) || issuer.PublicKey is not { } key)
        {
            return false;
        }

        // A CA verifies the same certificates again on every re-verification; P-384 checks are the costliest step.
        var verified = issuer._issuedByThis ?? Interlocked.CompareExchange(ref issuer._issuedByThis, new VerifiedSignatureCache(), null) ?? issuer._issuedByThis;
        return verified.GetOrVerify(TbsCertificate.Span, Signature.Span, () => VerifySignature(key));
    }

    /// <summary>
    /// Whether <paramref name="issuer"/> is named as this certificate's issuer and its key signed this certificate, checked
    /// every time: for a signing (leaf) certificate, which is new with every signature, remembering it would only let a
    /// benchmark measure the cache.
    /// </summary>
    public bool IsSignedByUncached(ParsedCertificate issuer) =>
        IssuerName.Span.SequenceEqual(issuer.SubjectName.Span) && issuer.PublicKey is { } key && VerifySignature(key);

    // Subject, issuer and SPKI as slices of the TBS; a TBS the DER walk cannot read (X509Certificate2 may be more lenient)
    // takes them from X509Certificate2 as before.
    private static (ReadOnlyMemory<byte> Subject, ReadOnlyMemory<byte> Issuer, ReadOnlyMemory<byte> Spki) ReadNames(X509Certificate2 certificate, ReadOnlyMemory<byte> tbs)
    {
        try
        {
            var fields = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (fields.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                fields.ReadEncodedValue();
            }

            fields.ReadEncodedValue();
            fields.ReadEncodedValue();
            var issuer = fields.ReadEncodedValue();
            fields.ReadEncodedValue();
            var subject = fields.ReadEncodedValue();
            var spki = fields.ReadEncodedValue();
            return (subject, issuer, spki);
        }
        catch (AsnContentException)
        {
            byte[] spki;
            try
            {
                spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
            }
            catch (CryptographicException)
            {
                // As before: a key X509Certificate2 cannot export is an unsupported key (PublicKey null), not a malformed certificate.
                spki = [];
            }

            return (certificate.SubjectName.RawData, certificate.IssuerName.RawData, spki);
        }
    }

    private bool VerifySignature(VerificationKey key)
    {
        return SignatureAlgorithm switch
        {
            "1.2.840.10045.4.3.2" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyData(TbsCertificate.Span, Signature.Span, HashAlgorithmName.SHA256),
            "1.2.840.10045.4.3.3" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyData(TbsCertificate.Span, Signature.Span, HashAlgorithmName.SHA384),
            "1.2.840.10045.4.3.4" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyData(TbsCertificate.Span, Signature.Span, HashAlgorithmName.SHA512),
            "1.2.840.113549.1.1.11" => VerifyRsa(key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.12" => VerifyRsa(key, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.13" => VerifyRsa(key, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "1.3.101.112" => key.Algorithm == VerificationKeyAlgorithm.Ed25519 && key.VerifyData(TbsCertificate.Span, Signature.Span),
            _ => false,
        };
    }

    private bool VerifyRsa(VerificationKey key, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        Span<byte> digest = stackalloc byte[64];
        var length = CryptographicOperations.HashData(hash, TbsCertificate.Span, digest);
        return key.VerifyRsaHash(digest[..length], Signature.Span, hash, padding);
    }
}
