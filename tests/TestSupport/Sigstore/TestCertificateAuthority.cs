using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImageTrust.TestSupport.Sigstore;

/// <summary>
/// A Fulcio-like certificate authority: a P-384 root and intermediate issuing short-lived P-256 code-signing leaves with an
/// empty subject, a critical SAN (email or URI), the OIDC issuer extension (OID 1.3.6.1.4.1.57264.1.8) and, when a CT log is
/// given, an embedded SCT. Built with .NET's certificate APIs from RFC 5280 and Fulcio's documented extensions.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private const string IssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
    private const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";
    private const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";

    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly X509Certificate2 _intermediateWithKey;
    private long _serial = 100;

    /// <summary>Creates the CA, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public TestCertificateAuthority(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var rootRequest = new CertificateRequest($"CN={name}-root, O=ImageTrust tests", _rootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = rootRequest.CreateSelfSigned(notBefore, notAfter);

        var intermediateRequest = new CertificateRequest($"CN={name}-intermediate, O=ImageTrust tests", _intermediateKey, HashAlgorithmName.SHA384);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var intermediate = intermediateRequest.Create(Root, notBefore, notAfter, [1]);
        _intermediateWithKey = intermediate.CopyWithPrivateKey(_intermediateKey);
        Intermediate = X509CertificateLoader.LoadCertificate(intermediate.RawData);
    }

    /// <summary>The root certificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The issuing intermediate.</summary>
    public X509Certificate2 Intermediate { get; }

    /// <summary>The chain above a leaf, PEM, intermediate first (as cosign's chain annotation carries it).</summary>
    public string ChainPem => Intermediate.ExportCertificatePem() + "\n" + Root.ExportCertificatePem() + "\n";

    /// <summary>
    /// Issues a leaf for <paramref name="key"/> valid [<paramref name="notBefore"/>, +10 minutes], with an email SAN (or a URI
    /// SAN when <paramref name="subject"/> is an absolute URI) and <paramref name="issuer"/>; with an SCT from <paramref name="ctLog"/> when given.
    /// </summary>
    public X509Certificate2 IssueLeaf(ECDsa key, string subject, string issuer, DateTimeOffset notBefore, TestCertificateTransparencyLog? ctLog = null)
    {
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CodeSigningOid)], false));
        var san = new SubjectAlternativeNameBuilder();
        if (Uri.TryCreate(subject, UriKind.Absolute, out var uri) && !subject.Contains('@', StringComparison.Ordinal))
        {
            san.AddUri(uri);
        }
        else
        {
            san.AddEmailAddress(subject);
        }

        request.CertificateExtensions.Add(san.Build(critical: true));
        var issuerValue = new AsnWriter(AsnEncodingRules.DER);
        issuerValue.WriteCharacterString(UniversalTagNumber.UTF8String, issuer);
        request.CertificateExtensions.Add(new X509Extension(IssuerV2Oid, issuerValue.Encode(), false));

        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        var notAfter = notBefore.AddMinutes(10);
        if (ctLog is null)
        {
            return request.Create(_intermediateWithKey, notBefore, notAfter, serial);
        }

        // The precertificate's TBS is the final TBS without the SCT list: the same request, serial and validity, issued first.
        using var precertificate = request.Create(_intermediateWithKey, notBefore, notAfter, serial);
        var sct = ctLog.SignPrecertificate(Intermediate.PublicKey.ExportSubjectPublicKeyInfo(), TbsOf(precertificate.RawData), notBefore);
        var list = new AsnWriter(AsnEncodingRules.DER);
        list.WriteOctetString(TestCertificateTransparencyLog.List(sct));
        request.CertificateExtensions.Add(new X509Extension(SctListOid, list.Encode(), false));
        return request.Create(_intermediateWithKey, notBefore, notAfter, serial);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        _intermediateWithKey.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
    }

    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }: the first element, whole.
    private static byte[] TbsOf(byte[] certificate)
    {
        var reader = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        return reader.ReadEncodedValue().ToArray();
    }
}
