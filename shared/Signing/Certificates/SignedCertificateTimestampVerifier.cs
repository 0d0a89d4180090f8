using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Certificates;

/// <summary>
/// Verifies the SCTs embedded in a leaf certificate (RFC 6962 §3.2–3.3): each SCT signs the precertificate TBS (the leaf's
/// TBS without the SCT list extension) together with the issuer's key hash. At least one SCT must be signed by a trusted
/// CT log whose validity window contains the SCT's timestamp.
/// </summary>
internal static class SignedCertificateTimestampVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "sct";

    /// <summary>Verifies the embedded SCTs of <paramref name="leaf"/> issued by <paramref name="issuer"/>.</summary>
    public static CheckResult Verify(ParsedCertificate leaf, ParsedCertificate issuer, IReadOnlyList<TransparencyLogAuthority> ctLogs)
    {
        if (!leaf.TryGetExtension(CertificateOids.EmbeddedSctList, out var extension))
        {
            return CheckResult.Fail(Step, "SCT_MISSING", "the certificate has no embedded SCT");
        }

        try
        {
            var list = AsnDecoder.ReadOctetString(extension.Span, AsnEncodingRules.DER, out _);
            var precertTbs = RemoveSctExtension(leaf.TbsCertificate);
            var issuerKeyHash = issuer.PublicKey is { } issuerKey ? SHA256.HashData(issuerKey.SubjectPublicKeyInfo) : SHA256.HashData(issuer.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
            var span = list.AsSpan();
            var total = BinaryPrimitives.ReadUInt16BigEndian(span);
            if (total != span.Length - 2)
            {
                return CheckResult.Fail(Step, "SCT_MALFORMED", "the SCT list length is inconsistent");
            }

            span = span[2..];
            var failures = new List<string>();
            while (span.Length > 0)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(span);
                var sct = span.Slice(2, length);
                span = span[(2 + length)..];
                var outcome = VerifyOne(sct, precertTbs, issuerKeyHash, ctLogs);
                if (outcome is null)
                {
                    return CheckResult.Pass(Step);
                }

                failures.Add(outcome);
            }

            return CheckResult.Fail(Step, "SCT_INVALID", failures.Count == 0 ? "the SCT list is empty" : string.Join("; ", failures));
        }
        catch (Exception e) when (e is AsnContentException or ArgumentOutOfRangeException or CryptographicException)
        {
            return CheckResult.Fail(Step, "SCT_MALFORMED", $"the SCT list is malformed: {e.Message}");
        }
    }

    private static string? VerifyOne(ReadOnlySpan<byte> sct, byte[] precertTbs, byte[] issuerKeyHash, IReadOnlyList<TransparencyLogAuthority> ctLogs)
    {
        if (sct[0] != 0)
        {
            return $"unsupported SCT version {sct[0]}";
        }

        var logId = sct.Slice(1, 32);
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(sct.Slice(33, 8));
        var extensionsLength = BinaryPrimitives.ReadUInt16BigEndian(sct.Slice(41, 2));
        var extensions = sct.Slice(43, extensionsLength);
        var rest = sct[(43 + extensionsLength)..];
        var hashAlgorithm = rest[0];
        var signatureLength = BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2, 2));
        var signature = rest.Slice(4, signatureLength);
        if (hashAlgorithm != 4)
        {
            return $"unsupported SCT hash algorithm {hashAlgorithm}";
        }

        var signed = new byte[1 + 1 + 8 + 2 + 32 + 3 + precertTbs.Length + 2 + extensions.Length];
        var writer = signed.AsSpan();
        writer[0] = 0;
        writer[1] = 0;
        BinaryPrimitives.WriteUInt64BigEndian(writer[2..], timestamp);
        BinaryPrimitives.WriteUInt16BigEndian(writer[10..], 1);
        issuerKeyHash.CopyTo(writer[12..]);
        writer[44] = (byte)(precertTbs.Length >> 16);
        writer[45] = (byte)(precertTbs.Length >> 8);
        writer[46] = (byte)precertTbs.Length;
        precertTbs.CopyTo(writer[47..]);
        BinaryPrimitives.WriteUInt16BigEndian(writer[(47 + precertTbs.Length)..], (ushort)extensions.Length);
        extensions.CopyTo(writer[(49 + precertTbs.Length)..]);

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)timestamp);
        var known = false;
        foreach (var log in ctLogs)
        {
            if (!log.LogId.AsSpan().SequenceEqual(logId))
            {
                continue;
            }

            known = true;
            if (log.Validity.Contains(time) && log.Key.VerifyData(signed, signature, HashAlgorithmName.SHA256))
            {
                return null;
            }
        }

        return known ? $"SCT from log {Convert.ToHexStringLower(logId)} does not verify" : $"SCT from unknown log {Convert.ToHexStringLower(logId)}";
    }

    private static byte[] RemoveSctExtension(ReadOnlyMemory<byte> tbs)
    {
        var reader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            while (reader.HasData)
            {
                if (reader.PeekTag().HasSameClassAndValue(extensionsTag))
                {
                    var explicitWrapper = reader.ReadSequence(extensionsTag);
                    var extensions = explicitWrapper.ReadSequence();
                    using (writer.PushSequence(extensionsTag))
                    using (writer.PushSequence())
                    {
                        while (extensions.HasData)
                        {
                            var encoded = extensions.ReadEncodedValue();
                            if (!CertificateOids.EmbeddedSctList.Is(new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().Span))
                            {
                                writer.WriteEncodedValue(encoded.Span);
                            }
                        }
                    }
                }
                else
                {
                    writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
                }
            }
        }

        return writer.Encode();
    }
}
