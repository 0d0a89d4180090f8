using ImageTrust.Model;
using ImageTrust.Signing;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// Verifies cosign v3 image-signature bundles with the Sigstore <see cref="BundleVerifier"/>: a DSSE in-toto statement with the
/// <c>sign/v1</c> predicate whose subject is the image digest, against each applicable authority's trust material.
/// </summary>
internal sealed class SigstoreBundleSignatureVerifier : BundleSignatureVerifier
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the verifier.</summary>
    public SigstoreBundleSignatureVerifier(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public override SignatureOutcome Verify(ReadOnlyMemory<byte> bundleJson, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundleParser.Parse(bundleJson);
        }
        catch (FormatException e)
        {
            return Failed(SignatureKinds.BundleKeyless, subject, CheckResult.Fail("bundle", "BUNDLE_MALFORMED", e.Message));
        }

        var keyless = bundle.Certificate is not null;
        var kind = keyless ? SignatureKinds.BundleKeyless : SignatureKinds.BundleKey;
        var options = new BundleVerifierOptions(ignoreTransparencyLogUnsafe: !requireTlog, ignoreSctUnsafe: !requireSct);
        SignatureVerification? best = null;
        var satisfied = new List<string>();
        string? signerId = null;
        foreach (var authority in authorities)
        {
            BundleVerificationResult result;
            if (keyless && authority is IdentitySigner identitySigner)
            {
                var verifier = new BundleVerifier(authority.TrustedMaterial(), options, _timeProvider);
                result = verifier.VerifyImageSignature(bundle, subject, identitySigner.Identity, null);
            }
            else if (!keyless && authority is KeySigner keySigner)
            {
                var verifier = new BundleVerifier(authority.TrustedMaterial(), options, _timeProvider);
                result = verifier.VerifyImageSignature(bundle, subject, null, keySigner.Key);
            }
            else
            {
                continue;
            }

            var verification = ToVerification(kind, subject, result, result.Verified ? authority.Name : null);
            if (result.Verified)
            {
                satisfied.Add(authority.Name);
                signerId ??= keyless ? $"keyless:{result.Issuer} {result.Identity}" : $"key:{result.KeyId}";
                if (best is null || !best.Verified)
                {
                    best = verification;
                }
            }
            else if (best is null || (!best.Verified && verification.Checks.Count(check => check.Passed) > best.Checks.Count(check => check.Passed)))
            {
                best = verification;
            }
        }

        best ??= Failed(kind, subject, CheckResult.Fail("authority", "NO_MATCHING_AUTHORITY", keyless ? "no keyless authority in the rule" : "no key authority in the rule")).Verification;
        return new SignatureOutcome(best, satisfied, signerId);
    }

    private static SignatureVerification ToVerification(string kind, Digest subject, BundleVerificationResult result, string? authority)
        => new(kind, result.Verified, result.Reason, authority, result.Identity, result.Issuer, result.KeyId, result.TlogIndex, result.IntegratedTime, result.Checks)
        {
            Subject = subject,
        };

    private static SignatureOutcome Failed(string kind, Digest subject, CheckResult check)
        => new(new SignatureVerification(kind, false, check.ReasonCode, null, null, null, null, null, null, [check]) { Subject = subject }, [], null);
}
