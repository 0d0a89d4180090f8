using System.Buffers;
using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

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

        var precertificate = ArrayPool<byte>.Shared.Rent(PrecertificateTbs.MaxLength(leaf.TbsCertificate));
        try
        {
            var outer = new DerCursor(extension);
            var list = outer.Read(Asn1Tag.PrimitiveOctetString).Content.Span;
            outer.End();
            var precertTbs = precertificate.AsSpan(0, PrecertificateTbs.Write(leaf.TbsCertificate, precertificate));
            Span<byte> issuerKeyHash = stackalloc byte[32];
            SHA256.HashData(issuer.PublicKey is { } issuerKey ? issuerKey.SubjectPublicKeyInfo : issuer.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), issuerKeyHash);
            if (list.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(list) != list.Length - 2)
            {
                return CheckResult.Fail(Step, "SCT_MALFORMED", "the SCT list length is inconsistent");
            }

            var span = list[2..];
            List<string>? failures = null;
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

                (failures ??= []).Add(outcome);
            }

            return CheckResult.Fail(Step, "SCT_INVALID", failures is null ? "the SCT list is empty" : string.Join("; ", failures));
        }
        catch (Exception e) when (e is AsnContentException or ArgumentOutOfRangeException or CryptographicException)
        {
            return CheckResult.Fail(Step, "SCT_MALFORMED", $"the SCT list is malformed: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(precertificate);
        }
    }

    // One SCT (RFC 6962 §3.2): version, log id, timestamp, extensions, then the digitally-signed struct over
    // version | signature_type | timestamp | entry_type (precert) | issuer_key_hash | tbs | extensions. Null when it verifies.
    private static string? VerifyOne(ReadOnlySpan<byte> sct, ReadOnlySpan<byte> precertTbs, ReadOnlySpan<byte> issuerKeyHash, IReadOnlyList<TransparencyLogAuthority> ctLogs)
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

        var signedLength = 1 + 1 + 8 + 2 + 32 + 3 + precertTbs.Length + 2 + extensions.Length;
        var signed = ArrayPool<byte>.Shared.Rent(signedLength);
        try
        {
            var writer = signed.AsSpan(0, signedLength);
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
                if (log.Validity.Contains(time) && log.Key.VerifyMessage(writer, signature, HashAlgorithmName.SHA256))
                {
                    return null;
                }
            }

            return known ? $"SCT from log {Convert.ToHexStringLower(logId)} does not verify" : $"SCT from unknown log {Convert.ToHexStringLower(logId)}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }
    }
}
