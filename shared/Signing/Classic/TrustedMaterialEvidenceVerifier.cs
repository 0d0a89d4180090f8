using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
    private const int MaxCachedChains = 256;

    // Parsing is a pure function of the PEM text, and most signatures carry the same Fulcio chain: parse each text once.
    private readonly ConcurrentDictionary<string, IReadOnlyList<ParsedCertificate>> _chains = new(StringComparer.Ordinal);

    private readonly TrustMaterialCache _trust;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the verifier over <paramref name="trust"/>; <paramref name="timeProvider"/> rejects log times in the future.</summary>
    public TrustedMaterialEvidenceVerifier(TrustMaterialCache trust, TimeProvider timeProvider)
    {
        _trust = trust;
        _timeProvider = timeProvider;
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

        var future = IntegratedTimeCheck.Verify(bundle.IntegratedAt, _timeProvider.GetUtcNow());
        if (!future.Passed)
        {
            return future;
        }

        var expected = new ExpectedLogContent(
            signature.ToArray(),
            signerIsCertificate ? signer.ToArray() : null,
            signerIsCertificate ? null : signer.ToArray(),
            SHA256.HashData(payload),
            null);
        var match = LogEntryBodyMatcher.Verify(body, expected);
        return match.Passed
            ? CheckResult.Pass(ClassicSteps.Tlog, $"{set.Detail}; {match.Detail}")
            : match;
    }

    /// <inheritdoc />
    public override CertificateEvidence VerifyCertificate(KeylessAuthority authority, X509Certificate2 leaf, string? chainPem, DateTimeOffset signingTime, bool requireSct)
    {
        var material = _trust.Get(authority.Trust);
        ParsedCertificate parsed;
        IReadOnlyList<ParsedCertificate> chain;
        try
        {
            parsed = ParsedCertificate.From(leaf);
            chain = chainPem is null ? [] : ParseChain(chainPem);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return new CertificateEvidence([CheckResult.Fail(CertificateChainVerifier.Step, ClassicReasons.CertificateInvalid, e.Message)], null, null);
        }

        var verification = KeylessCertificateVerifier.Verify(parsed, chain, material, [signingTime], new CertificateIdentity(authority.Identity, authority.Issuer), ignoreSctUnsafe: !requireSct);
        var identity = verification.MatchedSubjectAlternativeName ?? verification.Identity?.SubjectAlternativeNames.FirstOrDefault();
        return new CertificateEvidence(verification.Checks, identity, verification.Identity?.Issuer);
    }

    private IReadOnlyList<ParsedCertificate> ParseChain(string chainPem)
    {
        if (_chains.TryGetValue(chainPem, out var cached))
        {
            return cached;
        }

        var parsed = KeylessCertificateVerifier.ParsePem(chainPem);
        if (_chains.Count < MaxCachedChains)
        {
            _chains.TryAdd(chainPem, parsed);
        }

        return parsed;
    }
}
