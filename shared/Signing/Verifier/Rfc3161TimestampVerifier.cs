using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies an RFC 3161 signed timestamp over a signature: the message imprint must be the hash of the signature bytes, the
/// CMS signature must verify with a TSA certificate (embedded or from the trust material), and that certificate must chain to
/// a trusted timestamp authority whose window, and every certificate of whose chain, contains the timestamp's time.
/// </summary>
internal static class Rfc3161TimestampVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "timestamp";

    /// <summary>The largest timestamp accepted.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Verifies <paramref name="signedTimestamp"/> (a TimeStampResp or a bare TimeStampToken) over <paramref name="signature"/>.</summary>
    public static TimestampVerification Verify(ReadOnlyMemory<byte> signedTimestamp, ReadOnlySpan<byte> signature, TrustedMaterial material)
    {
        if (signedTimestamp.Length > MaxBytes)
        {
            return Fail("TIMESTAMP_MALFORMED", $"the signed timestamp is larger than {MaxBytes} bytes");
        }

        if (Decode(signedTimestamp) is not { } token)
        {
            return SignerNotValidAtItsTime(signedTimestamp) is { } expired
                ? Fail("TIMESTAMP_CERTIFICATE_NOT_VALID", expired)
                : Fail("TIMESTAMP_MALFORMED", "the signed timestamp is not a well-formed RFC 3161 timestamp token (or its signing-certificate attribute is inconsistent)");
        }

        var info = token.TokenInfo;
        var hashAlgorithm = HashFromOid(info.HashAlgorithmId.Value);
        if (hashAlgorithm is not { } hash)
        {
            return Fail("TIMESTAMP_MALFORMED", $"unsupported message imprint algorithm {info.HashAlgorithmId.Value}");
        }

        var digest = CryptographicOperations.HashData(hash, signature);
        if (!info.GetMessageHash().Span.SequenceEqual(digest))
        {
            return Fail("TIMESTAMP_IMPRINT_MISMATCH", "the timestamp is not over this signature");
        }

        var time = info.Timestamp;
        var anyInWindow = false;
        foreach (var authority in material.TimestampAuthorities)
        {
            if (!authority.Validity.Contains(time))
            {
                continue;
            }

            anyInWindow = true;
            var candidates = new X509Certificate2Collection();
            foreach (var certificate in authority.Certificates)
            {
                candidates.Add(certificate);
            }

            try
            {
                if (!token.VerifySignatureForHash(digest, info.HashAlgorithmId, out var signer, candidates) || signer is null)
                {
                    continue;
                }

                var parsedSigner = authority.Parsed.FirstOrDefault(parsed => parsed.RawData.Span.SequenceEqual(signer.RawData)) ?? ParsedCertificate.From(signer);
                var usage = ExtendedKeyUsageCheck.Verify(parsedSigner, CertificateOids.TimeStampingUsage);
                var (chain, _) = CertificateChainVerifier.Verify(parsedSigner, [], [authority], time);
                if (usage.Passed && chain.Passed)
                {
                    return new TimestampVerification(CheckResult.Pass(Step, $"{time:O} by {signer.Subject}"), time);
                }
            }
            catch (CryptographicException)
            {
                continue;
            }
        }

        return anyInWindow
            ? Fail("TIMESTAMP_UNTRUSTED", "no trusted timestamp authority signed this timestamp")
            : Fail("TIMESTAMP_OUTSIDE_AUTHORITY_VALIDITY", $"no trusted timestamp authority is valid at {time:O}");
    }

    private static TimestampVerification Fail(string reason, string detail) => new(CheckResult.Fail(Step, reason, detail), null);

    private static Rfc3161TimestampToken? Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            if (Rfc3161TimestampToken.TryDecode(bytes, out var token, out var read) && read == bytes.Length)
            {
                return token;
            }

            // A TimeStampResp: SEQUENCE { PKIStatusInfo, TimeStampToken }. Status 0 (granted) or 1 (grantedWithMods) only.
            var response = new AsnReader(bytes, AsnEncodingRules.DER).ReadSequence();
            var status = response.ReadSequence();
            if (!status.TryReadInt32(out var code) || code is not (0 or 1))
            {
                return null;
            }

            var encodedToken = response.ReadEncodedValue();
            return Rfc3161TimestampToken.TryDecode(encodedToken, out token, out read) && read == encodedToken.Length ? token : null;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// .NET refuses to decode a token whose embedded signing certificate was not valid at the token's own time (RFC 3161 §2.3:
    /// the TSA's certificate must be valid when it signs); says so when that is why, instead of calling the token malformed.
    /// </summary>
    private static string? SignerNotValidAtItsTime(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var encoded = bytes;
            if (!Rfc3161TimestampToken.TryDecode(bytes, out _, out _))
            {
                var response = new AsnReader(bytes, AsnEncodingRules.DER).ReadSequence();
                response.ReadSequence();
                encoded = response.ReadEncodedValue();
            }

            var cms = new SignedCms();
            cms.Decode(encoded.Span);
            if (cms.SignerInfos.Count != 1 || cms.SignerInfos[0].Certificate is not { } signer
                || !Rfc3161TimestampTokenInfo.TryDecode(cms.ContentInfo.Content, out var info, out _))
            {
                return null;
            }

            var time = info.Timestamp;
            return time < signer.NotBefore.ToUniversalTime() || time > signer.NotAfter.ToUniversalTime()
                ? $"the TSA certificate {signer.Subject} is valid {signer.NotBefore.ToUniversalTime():O}..{signer.NotAfter.ToUniversalTime():O}, not at the timestamp's time {time:O}"
                : null;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or InvalidOperationException)
        {
            return null;
        }
    }

    private static HashAlgorithmName? HashFromOid(string? oid) => oid switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };
}
