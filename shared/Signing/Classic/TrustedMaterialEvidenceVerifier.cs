using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageTrust.Policy;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Transparency;
using ImageTrust.Verification;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The Sigstore checks of classic signatures over real trust material: the SET with the trusted Rekor keys, the hashedrekord
/// entry body against our signature, signer and payload digest, and the keyless leaf's chain at the signing time (direct
/// signature checks over cached authority certificates), codeSigning EKU, SCT, identity and issuer.
/// </summary>
internal sealed class TrustedMaterialEvidenceVerifier : SigstoreEvidenceVerifier
{
    private const int MaxBodyBytes = 1024 * 1024;

    private readonly TrustMaterialCache _trust;

    /// <summary>Creates the verifier over <paramref name="trust"/>.</summary>
    public TrustedMaterialEvidenceVerifier(TrustMaterialCache trust)
    {
        _trust = trust;
    }

    /// <inheritdoc />
    public override CheckResult VerifyTlog(TrustMaterialSource? trust, RekorBundle bundle, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> signer, bool signerIsCertificate, ReadOnlySpan<byte> payload)
    {
        var material = _trust.Get(trust);
        byte[] logId;
        byte[] body;
        try
        {
            logId = Convert.FromHexString(bundle.LogId);
            body = Convert.FromBase64String(bundle.Body);
        }
        catch (FormatException)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, "the bundle's logID is not hex or its body is not base64");
        }

        if (body.Length > MaxBodyBytes)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, "the bundle's entry body is too large");
        }

        var set = SignedEntryTimestampVerifier.Verify(bundle.Body, bundle.IntegratedTime, logId, bundle.LogIndex, bundle.SignedEntryTimestamp, material);
        if (!set.Passed)
        {
            return set;
        }

        if (!TryReadKind(body, out var kind, out var version))
        {
            return CheckResult.Fail(ClassicSteps.Tlog, "TLOG_BODY_MISMATCH", "the entry body has no kind and apiVersion");
        }

        var entry = new TransparencyLogEntry(bundle.LogIndex, logId, kind, version, bundle.IntegratedTime, body, bundle.SignedEntryTimestamp, null);
        var expected = new ExpectedLogContent(
            signature.ToArray(),
            signerIsCertificate ? signer.ToArray() : null,
            signerIsCertificate ? null : signer.ToArray(),
            SHA256.HashData(payload),
            null);
        var match = LogEntryBodyMatcher.Verify(entry, expected);
        return match.Passed
            ? CheckResult.Pass(ClassicSteps.Tlog, $"{set.Detail}; {match.Detail}")
            : match;
    }

    /// <inheritdoc />
    public override CertificateEvidence VerifyCertificate(KeylessAuthority authority, X509Certificate2 leaf, string? chainPem, DateTimeOffset signingTime, bool requireSct)
    {
        var material = _trust.Get(authority.Trust);
        ParsedCertificate parsed;
        List<ParsedCertificate> intermediates;
        try
        {
            parsed = ParsedCertificate.From(leaf);
            intermediates = ParseChain(chainPem);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return new CertificateEvidence([CheckResult.Fail(CertificateChainVerifier.Step, ClassicReasons.CertificateInvalid, e.Message)], null, null);
        }

        var identity = FulcioIdentity.From(parsed);
        var matched = identity.SubjectAlternativeNames.FirstOrDefault(authority.Identity.IsMatch) ?? identity.SubjectAlternativeNames.FirstOrDefault();
        var checks = new List<CheckResult>(4);
        var (chain, issuer) = CertificateChainVerifier.Verify(parsed, intermediates, material.CertificateAuthorities, signingTime);
        checks.Add(chain);
        if (chain.Passed)
        {
            checks.Add(ExtendedKeyUsageCheck.Verify(parsed, FulcioOids.CodeSigningUsage));
            if (requireSct)
            {
                checks.Add(SignedCertificateTimestampVerifier.Verify(parsed, issuer!, material.CertificateTransparencyLogs));
            }

            checks.Add(IdentityVerifier.Verify(identity, new CertificateIdentity(authority.Identity, authority.Issuer)));
        }

        return new CertificateEvidence(checks, matched, identity.Issuer);
    }

    private static List<ParsedCertificate> ParseChain(string? chainPem)
    {
        var result = new List<ParsedCertificate>();
        if (chainPem is null)
        {
            return result;
        }

        var remaining = chainPem.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields) && result.Count < 8)
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = Convert.FromBase64String(remaining[fields.Base64Data].ToString());
                result.Add(ParsedCertificate.From(X509CertificateLoader.LoadCertificate(der)));
            }

            remaining = remaining[fields.Location.End..];
        }

        return result;
    }

    private static bool TryReadKind(byte[] body, out string kind, out string version)
    {
        kind = version = string.Empty;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKind = reader.ValueTextEquals("kind");
                var isVersion = reader.ValueTextEquals("apiVersion");
                reader.Read();
                if ((isKind || isVersion) && reader.TokenType == JsonTokenType.String)
                {
                    if (isKind)
                    {
                        kind = reader.GetString()!;
                    }
                    else
                    {
                        version = reader.GetString()!;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return kind.Length > 0 && version.Length > 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
