using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace ImageTrust.TestSupport.Sigstore;

/// <summary>
/// An RFC 3161 timestamp authority: a root and a signing certificate with the critical timeStamping usage, answering with
/// a TimeStampResp (status granted) whose token's message imprint is the SHA-256 of the timestamped bytes, signed with
/// .NET's CMS and an ESSCertIDv2 signing-certificate attribute (RFC 5816).
/// </summary>
internal sealed class TestTimestampAuthority : IDisposable
{
    private const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";

    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _signingWithKey;
    private long _serial = 1000;

    /// <summary>Creates the authority, its certificates valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public TestTimestampAuthority(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var rootRequest = new CertificateRequest("CN=test-tsa-root, O=ImageTrust tests", _rootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Root = rootRequest.CreateSelfSigned(notBefore, notAfter);

        var signingRequest = new CertificateRequest("CN=test-tsa, O=ImageTrust tests", _signingKey, HashAlgorithmName.SHA256);
        signingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        signingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(TimeStampingOid)], true));
        using var signing = signingRequest.Create(Root, notBefore, notAfter, [7]);
        _signingWithKey = signing.CopyWithPrivateKey(_signingKey);
        Certificate = X509CertificateLoader.LoadCertificate(signing.RawData);
    }

    /// <summary>The root certificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The signing certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A DER TimeStampResp over <paramref name="timestamped"/> (for Sigstore: the signature bytes) at <paramref name="time"/>.</summary>
    public byte[] Timestamp(byte[] timestamped, DateTimeOffset time)
    {
        var info = new Rfc3161TimestampTokenInfo(
            new Oid("1.3.6.1.4.1.57264.2"), new Oid("2.16.840.1.101.3.4.2.1"), SHA256.HashData(timestamped), new BigInteger(Interlocked.Increment(ref _serial)).ToByteArray(isBigEndian: true), time);
        var content = new ContentInfo(new Oid("1.2.840.113549.1.9.16.1.4"), info.Encode());
        var cms = new SignedCms(content);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _signingWithKey)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Oid, SigningCertificateV2(Certificate)));
        cms.ComputeSignature(signer);

        // TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
        var response = new AsnWriter(AsnEncodingRules.DER);
        using (response.PushSequence())
        {
            using (response.PushSequence())
            {
                response.WriteInteger(0);
            }

            response.WriteEncodedValue(cms.Encode());
        }

        return response.Encode();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Root.Dispose();
        Certificate.Dispose();
        _signingWithKey.Dispose();
        _rootKey.Dispose();
        _signingKey.Dispose();
    }

    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING }
    // (hashAlgorithm defaults to SHA-256 and is left out, as DER requires).
    private static byte[] SigningCertificateV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(SHA256.HashData(certificate.RawData));
                }
            }
        }

        return writer.Encode();
    }
}
