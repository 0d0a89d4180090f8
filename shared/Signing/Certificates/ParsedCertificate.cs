using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Certificates;

/// <summary>
/// An X.509 certificate decomposed once, from its own DER, for direct signature checks (cheaper than <see cref="X509Chain"/>)
/// and allocation-free reads of its extensions: TBS bytes, signature algorithm and value, names, validity, key, CA flag and
/// the extension list. The certificate must also load as an <see cref="X509Certificate2"/>; the DER walk is strict (DER
/// framing, every TBS field in order, nothing trailing, no extension twice), so a certificate either reads the same both ways
/// or is refused.
/// </summary>
internal sealed class ParsedCertificate
{
    private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag IssuerUniqueIdTag = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag SubjectUniqueIdTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag UtcTimeTag = new(UniversalTagNumber.UtcTime);
    private static readonly Asn1Tag GeneralizedTimeTag = new(UniversalTagNumber.GeneralizedTime);

    // Signature algorithms met in practice, so reading one does not decode a new string per certificate.
    private static readonly KnownOid[] KnownSignatureAlgorithms =
    [
        new("1.2.840.10045.4.3.2"), new("1.2.840.10045.4.3.3"), new("1.2.840.10045.4.3.4"),
        new("1.2.840.113549.1.1.11"), new("1.2.840.113549.1.1.12"), new("1.2.840.113549.1.1.13"),
        new("1.2.840.113549.1.1.10"), new("1.3.101.112"),
    ];

    // Extensions whose criticality is honoured: the ones the chain, usage and identity checks read, and those that only
    // inform (key identifiers, policies, CRL and AIA locations), as Go's crypto/x509 treats them. nameConstraints and the
    // policy-constraint extensions are not enforced here, so a certificate marking them critical is refused.
    private static readonly KnownOid[] HandledExtensions =
    [
        new("2.5.29.15"), CertificateOids.BasicConstraints, CertificateOids.SubjectAlternativeName, CertificateOids.ExtendedKeyUsage,
        new("2.5.29.14"), new("2.5.29.35"), new("2.5.29.32"), new("2.5.29.31"), new("1.3.6.1.5.5.7.1.1"),
    ];

    // The content of the Extensions SEQUENCE (empty when the certificate has none), validated while parsing.
    private readonly ReadOnlyMemory<byte> _extensions;

    // Signatures this certificate's key verified; created when it first acts as an issuer (most certificates never do).
    private VerifiedSignatureCache? _issuedByThis;

    private ParsedCertificate(X509Certificate2 certificate, ReadOnlyMemory<byte> der, ReadOnlyMemory<byte> tbs, string signatureAlgorithm, ReadOnlyMemory<byte> signature, in TbsFields fields, VerificationKey? key)
    {
        Certificate = certificate;
        RawData = der;
        TbsCertificate = tbs;
        SignatureAlgorithm = signatureAlgorithm;
        Signature = signature;
        PublicKey = key;
        IsCertificateAuthority = fields.IsCertificateAuthority;
        NotBefore = fields.NotBefore;
        NotAfter = fields.NotAfter;
        SubjectName = fields.Subject;
        IssuerName = fields.Issuer;
        _extensions = fields.Extensions;
        UnhandledCriticalExtension = fields.UnhandledCriticalExtension;
    }

    /// <summary>The certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate's DER (the bytes it was loaded from; not copied).</summary>
    public ReadOnlyMemory<byte> RawData { get; }

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

    /// <summary>
    /// The OID of a critical extension that certificate verification does not process (RFC 5280 §4.2: such a certificate
    /// must be rejected), or null. Processed: key usage, basic constraints, subject alternative name, extended key usage,
    /// key identifiers, certificate policies, CRL distribution points, authority information access.
    /// </summary>
    public string? UnhandledCriticalExtension { get; }

    /// <summary>Whether the certificate is self-issued (subject equals issuer).</summary>
    public bool IsSelfIssued => SubjectName.Span.SequenceEqual(IssuerName.Span);

    /// <summary>Loads a DER certificate (which must also load as an <see cref="X509Certificate2"/>) and decomposes it.</summary>
    /// <exception cref="CryptographicException">The platform cannot load the certificate.</exception>
    /// <exception cref="FormatException">The DER is malformed.</exception>
    public static ParsedCertificate Load(byte[] der)
    {
        var certificate = X509CertificateLoader.LoadCertificate(der);
        try
        {
            return From(certificate, der);
        }
        catch (FormatException)
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>Decomposes <paramref name="certificate"/> from its own DER.</summary>
    /// <exception cref="FormatException">The certificate's DER is malformed.</exception>
    public static ParsedCertificate From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return From(certificate, certificate.RawDataMemory);
    }

    /// <summary>
    /// Decomposes <paramref name="certificate"/>, reading the <paramref name="der"/> it was loaded from (kept, not copied, so
    /// the certificate's own copy of its DER is never materialised).
    /// </summary>
    /// <exception cref="FormatException">The DER is malformed.</exception>
    public static ParsedCertificate From(X509Certificate2 certificate, ReadOnlyMemory<byte> der)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            var outer = new DerCursor(der);
            var body = new DerCursor(outer.Read(Asn1Tag.Sequence).Content);
            outer.End();
            var tbs = body.Read(Asn1Tag.Sequence);
            var algorithmIdentifier = body.Read(Asn1Tag.Sequence);
            var algorithm = ReadAlgorithm(algorithmIdentifier);
            var signature = ReadBitString(body.Read(Asn1Tag.PrimitiveBitString));
            body.End();
            var fields = ReadTbs(tbs.Content);

            // RFC 5280 §4.1.1.2: the signed and the outer algorithm must be the same; readers disagree on which to report.
            if (!fields.SignatureAlgorithm.Span.SequenceEqual(algorithmIdentifier.Encoded.Span))
            {
                throw new AsnContentException("the signature algorithm inside and outside the signed part differ");
            }
            VerificationKey? key;
            try
            {
                key = PublicKeyParser.ParseDer(fields.SubjectPublicKeyInfo.Span);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                key = null;
            }

            return new ParsedCertificate(certificate, der, tbs.Encoded, algorithm, signature, fields, key);
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"malformed certificate: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="instant"/> is within notBefore..notAfter (inclusive).</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= NotBefore && instant <= NotAfter;

    /// <summary>The value (extnValue's content) of the extension <paramref name="oid"/>, when the certificate carries it.</summary>
    public bool TryGetExtension(KnownOid oid, out ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(oid);
        var extensions = new DerCursor(_extensions);
        while (extensions.HasData)
        {
            var (id, extensionValue) = ExtensionParts(extensions.Read());
            if (oid.Is(id.Span))
            {
                value = extensionValue;
                return true;
            }
        }

        value = default;
        return false;
    }

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

    // TBSCertificate (RFC 5280 §4.1): [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo,
    // [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions; every field in order and nothing after.
    private static TbsFields ReadTbs(ReadOnlyMemory<byte> content)
    {
        var fields = new DerCursor(content);
        if (fields.NextIs(VersionTag))
        {
            var version = new DerCursor(fields.Read().Content);
            version.Read(Asn1Tag.Integer);
            version.End();
        }

        fields.Read(Asn1Tag.Integer);
        var signatureAlgorithm = fields.Read(Asn1Tag.Sequence).Encoded;
        var issuer = fields.Read(Asn1Tag.Sequence).Encoded;
        var validity = new DerCursor(fields.Read(Asn1Tag.Sequence).Content);
        var notBefore = ReadTime(validity.Read());
        var notAfter = ReadTime(validity.Read());
        validity.End();
        var subject = fields.Read(Asn1Tag.Sequence).Encoded;
        var spki = fields.Read(Asn1Tag.Sequence).Encoded;
        if (fields.NextIs(IssuerUniqueIdTag))
        {
            fields.Read();
        }

        if (fields.NextIs(SubjectUniqueIdTag))
        {
            fields.Read();
        }

        var extensions = ReadOnlyMemory<byte>.Empty;
        var isCa = false;
        string? unhandledCritical = null;
        if (fields.NextIs(ExtensionsTag))
        {
            var wrapper = new DerCursor(fields.Read().Content);
            extensions = wrapper.Read(Asn1Tag.Sequence).Content;
            wrapper.End();
            (isCa, unhandledCritical) = ValidateExtensions(extensions);
        }

        fields.End();
        return new TbsFields(signatureAlgorithm, issuer, subject, spki, notBefore, notAfter, extensions, isCa, unhandledCritical);
    }

    // Every extension well formed and present at most once (RFC 5280 §4.2); returns basicConstraints' cA flag and the first
    // critical extension the verification does not process, if any.
    private static (bool IsCa, string? UnhandledCritical) ValidateExtensions(ReadOnlyMemory<byte> extensions)
    {
        var isCa = false;
        string? unhandledCritical = null;
        var walk = new DerCursor(extensions);
        for (var index = 0; walk.HasData; index++)
        {
            var (id, critical, value) = ReadExtension(walk.Read(Asn1Tag.Sequence));
            if (critical && unhandledCritical is null && KnownOid.FindIn(HandledExtensions, id.Span) is null)
            {
                unhandledCritical = AsnDecoder.ReadObjectIdentifier(id.Span, AsnEncodingRules.DER, out _);
            }

            var earlier = new DerCursor(extensions);
            for (var before = 0; before < index; before++)
            {
                if (ExtensionParts(earlier.Read()).Id.Span.SequenceEqual(id.Span))
                {
                    throw new AsnContentException($"the extension {AsnDecoder.ReadObjectIdentifier(id.Span, AsnEncodingRules.DER, out _)} appears twice");
                }
            }

            if (CertificateOids.BasicConstraints.Is(id.Span))
            {
                isCa = ReadCertificateAuthorityFlag(value);
            }
        }

        return (isCa, unhandledCritical);
    }

    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
    // The id and value of an extension ReadExtension has already validated (every one has, once a certificate is parsed).
    private static (ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Value) ExtensionParts(DerElement extension)
    {
        var parts = new DerCursor(extension.Content);
        var id = parts.Read().Encoded;
        if (parts.NextIs(Asn1Tag.Boolean))
        {
            parts.Read();
        }

        return (id, parts.Read().Content);
    }

    private static (ReadOnlyMemory<byte> Id, bool Critical, ReadOnlyMemory<byte> Value) ReadExtension(DerElement extension)
    {
        var parts = new DerCursor(extension.Content);
        var id = parts.Read(Asn1Tag.ObjectIdentifier);
        RequireWellFormedOid(id.Content.Span);
        var critical = parts.NextIs(Asn1Tag.Boolean) && AsnDecoder.ReadBoolean(parts.Read().Encoded.Span, AsnEncodingRules.DER, out _);
        var value = parts.Read(Asn1Tag.PrimitiveOctetString).Content;
        parts.End();
        return (id.Encoded, critical, value);
    }

    // X.690 §8.19: at least one subidentifier, each in minimal base-128 (no leading 0x80), the last octet closing one.
    private static void RequireWellFormedOid(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty || (content[^1] & 0x80) != 0)
        {
            throw new AsnContentException("malformed object identifier");
        }

        var startsSubidentifier = true;
        foreach (var octet in content)
        {
            if (startsSubidentifier && octet == 0x80)
            {
                throw new AsnContentException("malformed object identifier");
            }

            startsSubidentifier = (octet & 0x80) == 0;
        }
    }

    // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }.
    private static bool ReadCertificateAuthorityFlag(ReadOnlyMemory<byte> value)
    {
        var outer = new DerCursor(value);
        var constraints = new DerCursor(outer.Read(Asn1Tag.Sequence).Content);
        outer.End();
        var isCa = constraints.NextIs(Asn1Tag.Boolean) && AsnDecoder.ReadBoolean(constraints.Read().Encoded.Span, AsnEncodingRules.DER, out _);
        if (constraints.NextIs(Asn1Tag.Integer))
        {
            var pathLength = constraints.Read();
            AsnDecoder.ReadIntegerBytes(pathLength.Encoded.Span, AsnEncodingRules.DER, out _);
        }

        constraints.End();
        return isCa;
    }

    private static DateTimeOffset ReadTime(DerElement time)
    {
        if (time.Tag.Equals(UtcTimeTag))
        {
            // RFC 5280 §4.1.2.5.1: two-digit years 50-99 are 19xx, 00-49 are 20xx.
            return AsnDecoder.ReadUtcTime(time.Encoded.Span, AsnEncodingRules.DER, out _, twoDigitYearMax: 2049);
        }

        return time.Tag.Equals(GeneralizedTimeTag)
            ? AsnDecoder.ReadGeneralizedTime(time.Encoded.Span, AsnEncodingRules.DER, out _)
            : throw new AsnContentException($"expected UTCTime or GeneralizedTime, found {time.Tag}");
    }

    // AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }.
    private static string ReadAlgorithm(DerElement identifier)
    {
        var parts = new DerCursor(identifier.Content);
        var oid = parts.Read(Asn1Tag.ObjectIdentifier).Encoded.Span;
        return KnownOid.FindIn(KnownSignatureAlgorithms, oid)?.Value ?? AsnDecoder.ReadObjectIdentifier(oid, AsnEncodingRules.DER, out _);
    }

    private static ReadOnlyMemory<byte> ReadBitString(DerElement bits)
    {
        AsnDecoder.TryReadPrimitiveBitString(bits.Encoded.Span, AsnEncodingRules.DER, out var unusedBits, out _, out _);
        return unusedBits == 0 ? bits.Content[1..] : throw new AsnContentException("the signature is not a whole number of bytes");
    }

    private bool VerifySignature(VerificationKey key)
    {
        return SignatureAlgorithm switch
        {
            "1.2.840.10045.4.3.2" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyMessage(TbsCertificate.Span, Signature.Span, HashAlgorithmName.SHA256),
            "1.2.840.10045.4.3.3" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyMessage(TbsCertificate.Span, Signature.Span, HashAlgorithmName.SHA384),
            "1.2.840.10045.4.3.4" => key.Algorithm == VerificationKeyAlgorithm.Ecdsa && key.VerifyMessage(TbsCertificate.Span, Signature.Span, HashAlgorithmName.SHA512),
            "1.2.840.113549.1.1.11" => VerifyRsa(key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.12" => VerifyRsa(key, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "1.2.840.113549.1.1.13" => VerifyRsa(key, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "1.3.101.112" => key.Algorithm == VerificationKeyAlgorithm.Ed25519 && key.VerifyMessage(TbsCertificate.Span, Signature.Span),
            _ => false,
        };
    }

    private bool VerifyRsa(VerificationKey key, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        if (key is not RsaVerificationKey rsa)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[64];
        var length = CryptographicOperations.HashData(hash, TbsCertificate.Span, digest);
        return rsa.VerifyDigest(digest[..length], Signature.Span, hash, padding);
    }

    private readonly record struct TbsFields(
        ReadOnlyMemory<byte> SignatureAlgorithm,
        ReadOnlyMemory<byte> Issuer,
        ReadOnlyMemory<byte> Subject,
        ReadOnlyMemory<byte> SubjectPublicKeyInfo,
        DateTimeOffset NotBefore,
        DateTimeOffset NotAfter,
        ReadOnlyMemory<byte> Extensions,
        bool IsCertificateAuthority,
        string? UnhandledCriticalExtension);
}
