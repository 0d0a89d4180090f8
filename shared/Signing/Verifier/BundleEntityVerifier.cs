using ImageTrust.Model;
using ImageTrust.Signing.Bundles;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies one Sigstore bundle (a cosign v3 image signature or an attestation) against each applicable authority's trust
/// material with <see cref="BundleVerifier"/>: signature, transparency log and timestamps, certificate and identity, then the
/// caller's <see cref="StatementPolicy"/>. Pure and I/O-free.
/// </summary>
internal sealed class BundleEntityVerifier
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the verifier; <paramref name="timeProvider"/> rejects log times in the future.</summary>
    public BundleEntityVerifier(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>Parses and verifies <paramref name="bundleJson"/>; a malformed bundle is a <c>BUNDLE_MALFORMED</c> outcome. Never throws for bad input.</summary>
    public SignatureOutcome Verify(ReadOnlyMemory<byte> bundleJson, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct, StatementPolicy statement)
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

        return Verify(bundle, subject, authorities, requireTlog, requireSct, statement, "rule");
    }

    /// <summary>
    /// Verifies <paramref name="bundle"/> about <paramref name="subject"/> (sha256) against every applicable authority: keyless
    /// bundles against identities, key bundles against keys. Never throws for bad input.
    /// </summary>
    /// <param name="bundle">The parsed bundle.</param>
    /// <param name="subject">The image digest the bundle must be about.</param>
    /// <param name="authorities">The candidate signers.</param>
    /// <param name="requireTlog">A verified log entry is required.</param>
    /// <param name="requireSct">An SCT is required on keyless certificates.</param>
    /// <param name="statement">What the statement must say.</param>
    /// <param name="authoritiesOf">Where the authorities come from ("rule", "requirement"), for the no-authority detail.</param>
    public SignatureOutcome Verify(
        SigstoreBundle bundle, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct, StatementPolicy statement, string authoritiesOf)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentNullException.ThrowIfNull(statement);
        var keyless = bundle.Certificate is not null;
        var kind = keyless ? SignatureKinds.BundleKeyless : SignatureKinds.BundleKey;
        if (subject.Algorithm != "sha256")
        {
            return Failed(kind, subject, CheckResult.Fail("subject", "UNSUPPORTED_DIGEST", $"{subject} is not a sha256 digest"));
        }

        var artifact = BundleArtifact.FromSha256(subject.ToBytes());
        var options = new BundleVerifierOptions(ignoreTransparencyLogUnsafe: !requireTlog, ignoreSctUnsafe: !requireSct);
        var best = default(BestVerification);
        foreach (var authority in authorities)
        {
            BundleVerificationPolicy policy;
            if (keyless && authority is IdentitySigner identitySigner)
            {
                policy = BundleVerificationPolicy.ForIdentity(artifact, identitySigner.Identity);
            }
            else if (!keyless && authority is KeySigner keySigner)
            {
                policy = BundleVerificationPolicy.ForKey(artifact, keySigner.Key);
            }
            else
            {
                continue;
            }

            var result = new BundleVerifier(authority.TrustedMaterial(), options, _timeProvider).Verify(bundle, policy);
            var checks = new List<CheckResult>(result.Checks.Count + 3);
            checks.AddRange(result.Checks);
            statement.Check(bundle.Envelope, result.Statement, checks);
            var verified = result.Verified && CheckResults.AllPassed(checks);
            var verification = new SignatureVerification(
                kind, verified, verified ? "OK" : CheckResults.FirstFailure(checks)?.ReasonCode ?? "NO_CHECKS", verified ? authority.Name : null,
                result.Identity, result.Issuer, result.KeyId, result.TlogIndex, result.IntegratedTime, checks)
            {
                Subject = subject,
            };
            best.Consider(verification, verified && !best.HasSigner ? keyless ? $"keyless:{result.Issuer} {result.Identity}" : $"key:{result.KeyId}" : null);
        }

        return best.Finish()
            ?? Failed(kind, subject, CheckResult.Fail("authority", "NO_MATCHING_AUTHORITY", $"no {(keyless ? "keyless" : "key")} authority in the {authoritiesOf}"));
    }

    private static SignatureOutcome Failed(string kind, Digest subject, CheckResult check)
        => new(new SignatureVerification(kind, false, check.ReasonCode, null, null, null, null, null, null, [check]) { Subject = subject }, [], null);
}
