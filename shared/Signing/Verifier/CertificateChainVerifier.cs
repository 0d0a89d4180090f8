using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Validates a leaf certificate up to a trusted certificate authority at the signing time (the log's integrated time or a
/// TSA time, never "now"), with direct signature checks over the parsed, cached authority certificates rather than
/// <c>X509Chain</c>. The leaf and every issuer must be valid at that time, and the authority's window must contain it.
/// </summary>
internal static class CertificateChainVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "certificate-chain";

    private const int MaxDepth = 8;

    /// <summary>Verifies <paramref name="leaf"/> against <paramref name="authorities"/> at <paramref name="signingTime"/>.</summary>
    /// <param name="leaf">The signing certificate.</param>
    /// <param name="untrustedIntermediates">Extra intermediates (e.g. cosign's chain annotation); they can link but never anchor.</param>
    /// <param name="authorities">The trusted authorities (Fulcio CAs, or TSAs).</param>
    /// <param name="signingTime">When the signature was made.</param>
    /// <returns>The result and, when it passed, the leaf's direct issuer.</returns>
    public static (CheckResult Result, ParsedCertificate? Issuer) Verify(
        ParsedCertificate leaf,
        IReadOnlyList<ParsedCertificate> untrustedIntermediates,
        IReadOnlyList<CertificateAuthority> authorities,
        DateTimeOffset signingTime)
    {
        if (leaf.UnhandledCriticalExtension is { } critical)
        {
            return (CheckResult.Fail(Step, "CERTIFICATE_UNHANDLED_CRITICAL_EXTENSION", $"the certificate has a critical extension {critical} that is not processed"), null);
        }

        if (!leaf.IsValidAt(signingTime))
        {
            return (CheckResult.Fail(Step, "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME", $"the certificate is valid {leaf.NotBefore:O}..{leaf.NotAfter:O}, not at {signingTime:O}"), null);
        }

        var anyAuthorityInWindow = false;
        for (var i = 0; i < authorities.Count; i++)
        {
            var authority = authorities[i];
            if (!authority.Validity.Contains(signingTime))
            {
                continue;
            }

            anyAuthorityInWindow = true;
            if (Walk(leaf, untrustedIntermediates, authority, signingTime) is { } issuer)
            {
                return (CheckResult.Pass(Step, authority.ChainsToDetail), issuer);
            }
        }

        return anyAuthorityInWindow
            ? (CheckResult.Fail(Step, "CERTIFICATE_UNTRUSTED", "the certificate does not chain to a trusted authority valid at the signing time" + UnusableAuthorityNote(authorities, untrustedIntermediates)), null)
            : (CheckResult.Fail(Step, "NO_AUTHORITY_AT_SIGNING_TIME", $"no trusted authority is valid at {signingTime:O}"), null);
    }

    // Why a CA certificate may have been passed over: a critical extension that is not processed makes it unusable.
    private static string UnusableAuthorityNote(IReadOnlyList<CertificateAuthority> authorities, IReadOnlyList<ParsedCertificate> untrusted)
    {
        foreach (var certificate in authorities.SelectMany(authority => authority.Parsed).Concat(untrusted))
        {
            if (certificate.UnhandledCriticalExtension is { } critical)
            {
                return $" (CA certificate {certificate.Certificate.Subject} is not used: its critical extension {critical} is not processed)";
            }
        }

        return string.Empty;
    }

    private static ParsedCertificate? Walk(ParsedCertificate leaf, IReadOnlyList<ParsedCertificate> untrusted, CertificateAuthority authority, DateTimeOffset at)
    {
        var current = leaf;
        ParsedCertificate? firstIssuer = null;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            // The first link is the signing certificate's own signature, new with every signature: checked every time.
            var (issuer, trusted) = FindIssuer(current, untrusted, authority, at, remember: depth > 0);
            if (issuer is null)
            {
                return null;
            }

            firstIssuer ??= issuer;
            if (trusted && (issuer.IsSelfIssued || ReferenceEquals(issuer, authority.Parsed[^1])))
            {
                return firstIssuer;
            }

            current = issuer;
        }

        return null;
    }

    private static (ParsedCertificate? Issuer, bool Trusted) FindIssuer(ParsedCertificate child, IReadOnlyList<ParsedCertificate> untrusted, CertificateAuthority authority, DateTimeOffset at, bool remember)
    {
        for (var i = 0; i < authority.Parsed.Count; i++)
        {
            var candidate = authority.Parsed[i];
            if (IsUsableIssuer(child, candidate, at, remember))
            {
                return (candidate, true);
            }
        }

        for (var i = 0; i < untrusted.Count; i++)
        {
            var candidate = untrusted[i];
            if (!candidate.IsSelfIssued && IsUsableIssuer(child, candidate, at, remember))
            {
                return (candidate, false);
            }
        }

        return (null, false);
    }

    private static bool IsUsableIssuer(ParsedCertificate child, ParsedCertificate candidate, DateTimeOffset at, bool remember) =>
        !ReferenceEquals(child, candidate) && candidate.IsCertificateAuthority && candidate.UnhandledCriticalExtension is null && candidate.IsValidAt(at)
        && (remember ? child.IsSignedBy(candidate) : child.IsSignedByUncached(candidate));
}
