using System.Security.Cryptography;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies a keyless signing certificate as cosign does: the chain to a trusted CA at every verified signing time (the leaf
/// and each issuer valid then), the codeSigning usage, an embedded SCT from a trusted CT log (unless bypassed), and the
/// identity (SAN and OIDC issuer). Shared by classic <c>.sig</c> verification and bundle verification.
/// </summary>
internal static class KeylessCertificateVerifier
{
    /// <summary>Verifies <paramref name="leaf"/>.</summary>
    /// <param name="leaf">The signing certificate.</param>
    /// <param name="untrustedChain">Intermediates shipped with the signature (cosign's chain annotation); they never anchor trust.</param>
    /// <param name="material">The trusted CAs and CT logs.</param>
    /// <param name="signingTimes">The verified signing times (log integrated time and/or TSA times); none is a failure.</param>
    /// <param name="expected">The identity the policy requires.</param>
    /// <param name="ignoreSctUnsafe">Skip the SCT check (cosign's <c>--insecure-ignore-sct</c>).</param>
    public static KeylessCertificateVerification Verify(
        ParsedCertificate leaf,
        IReadOnlyList<ParsedCertificate> untrustedChain,
        TrustedMaterial material,
        IReadOnlyCollection<DateTimeOffset> signingTimes,
        CertificateIdentity expected,
        bool ignoreSctUnsafe)
    {
        var checks = new List<CheckResult>();
        if (signingTimes.Count == 0)
        {
            checks.Add(CheckResult.Fail(CertificateChainVerifier.Step, "NO_VERIFIED_TIME", "no verified signing time to validate the certificate at"));
        }

        ParsedCertificate? issuer = null;
        foreach (var time in signingTimes.Count == 1 ? signingTimes : signingTimes.Distinct())
        {
            var (chain, chainIssuer) = CertificateChainVerifier.Verify(leaf, untrustedChain, material.CertificateAuthorities, time);
            checks.Add(chain);
            issuer ??= chainIssuer;
        }

        checks.Add(ExtendedKeyUsageCheck.Verify(leaf, CertificateOids.CodeSigningUsage));
        if (!ignoreSctUnsafe)
        {
            checks.Add(issuer is null
                ? CheckResult.Fail(SignedCertificateTimestampVerifier.Step, "SCT_UNVERIFIABLE", "the SCT needs a verified issuer")
                : SignedCertificateTimestampVerifier.Verify(leaf, issuer, material.CertificateTransparencyLogs));
        }

        FulcioIdentity identity;
        try
        {
            identity = FulcioIdentity.From(leaf);
        }
        catch (FormatException e)
        {
            checks.Add(CheckResult.Fail(IdentityVerifier.Step, "IDENTITY_MALFORMED", e.Message));
            return new KeylessCertificateVerification(checks, null, null, leaf.PublicKey);
        }

        var result = IdentityVerifier.Verify(identity, expected);
        checks.Add(result);
        if (leaf.PublicKey is null)
        {
            checks.Add(CheckResult.Fail("verification-material", "UNSUPPORTED_KEY", "the certificate's key algorithm is not supported"));
        }

        string? matched = null;
        if (result.Passed)
        {
            for (var i = 0; i < identity.SubjectAlternativeNames.Count; i++)
            {
                var name = identity.SubjectAlternativeNames[i];
                if (expected.SubjectAlternativeName.IsMatch(name))
                {
                    matched = name;
                    break;
                }
            }
        }

        return new KeylessCertificateVerification(checks, identity, matched, leaf.PublicKey);
    }

    /// <summary>Parses every <c>CERTIFICATE</c> block of a PEM text (e.g. cosign's certificate or chain annotation).</summary>
    /// <exception cref="FormatException">A block is not a valid certificate.</exception>
    public static IReadOnlyList<ParsedCertificate> ParsePem(ReadOnlySpan<char> pem)
    {
        var certificates = new List<ParsedCertificate>();
        var remaining = pem;
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    certificates.Add(ParsedCertificate.Load(Convert.FromBase64String(remaining[fields.Base64Data].ToString())));
                }
                catch (CryptographicException e)
                {
                    throw new FormatException($"invalid PEM certificate: {e.Message}", e);
                }
            }

            remaining = remaining[fields.Location.End..];
        }

        return certificates;
    }
}
