using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ImageTrust.TestSupport.Sigstore;

/// <summary>
/// A certificate transparency log that issues SCTs over precertificates (RFC 6962 §3.2), written from the RFC: the SCT
/// signs version, type, timestamp, entry type, the issuer's key hash and the TBS without the SCT list extension.
/// </summary>
internal sealed class TestCertificateTransparencyLog : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The log's DER public key.</summary>
    public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

    /// <summary>The log's PEM public key.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The log id: SHA-256 of the DER public key.</summary>
    public byte[] LogId => SHA256.HashData(PublicKey);

    /// <summary>A serialized SCT (RFC 6962 §3.2) for a precertificate with <paramref name="tbsWithoutSct"/>, issued by the key <paramref name="issuerPublicKey"/>.</summary>
    public byte[] SignPrecertificate(byte[] issuerPublicKey, byte[] tbsWithoutSct, DateTimeOffset time)
    {
        var timestamp = (ulong)time.ToUnixTimeMilliseconds();
        var signed = new List<byte> { 0, 0 }; // v1, certificate_timestamp
        signed.AddRange(BigEndian(timestamp, 8));
        signed.AddRange([0, 1]); // precert_entry
        signed.AddRange(SHA256.HashData(issuerPublicKey));
        signed.AddRange(BigEndian((ulong)tbsWithoutSct.Length, 3));
        signed.AddRange(tbsWithoutSct);
        signed.AddRange([0, 0]); // no extensions
        var signature = _key.SignData(signed.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var sct = new List<byte> { 0 };
        sct.AddRange(LogId);
        sct.AddRange(BigEndian(timestamp, 8));
        sct.AddRange([0, 0]);
        sct.AddRange([4, 3]); // sha256, ecdsa
        sct.AddRange(BigEndian((ulong)signature.Length, 2));
        sct.AddRange(signature);
        return [.. sct];
    }

    /// <summary>The <c>SignedCertificateTimestampList</c> holding <paramref name="scts"/> (the X.509 extension's TLS content).</summary>
    public static byte[] List(params byte[][] scts)
    {
        var body = new List<byte>();
        foreach (var sct in scts)
        {
            body.AddRange(BigEndian((ulong)sct.Length, 2));
            body.AddRange(sct);
        }

        return [.. BigEndian((ulong)body.Count, 2), .. body];
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private static byte[] BigEndian(ulong value, int length)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        return buffer[(8 - length)..].ToArray();
    }
}
