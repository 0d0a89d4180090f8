using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies one classic simple-signing layer against the candidate signers, as <c>cosign verify</c> does: the signature over
/// the exact payload bytes, the payload claims, the Rekor proof, and for keyless signatures the certificate at signing time.
/// Pure and I/O-free: the payload is already fetched (and digest-checked) and every key already resolved.
/// </summary>
internal sealed class ClassicSignatureVerifier
{
    private readonly SigstoreEvidenceVerifier _evidence;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the verifier.</summary>
    public ClassicSignatureVerifier(SigstoreEvidenceVerifier evidence, TimeProvider timeProvider)
    {
        _evidence = evidence;
        _timeProvider = timeProvider;
    }

    /// <summary>Verifies <paramref name="layer"/> with its <paramref name="payload"/> against every applicable signer. Never throws for bad input.</summary>
    public SignatureOutcome Verify(SignatureLayer layer, ReadOnlySpan<byte> payload, IReadOnlyList<Signer> authorities, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentNullException.ThrowIfNull(expectations);

        Span<byte> signature = stackalloc byte[SignatureStep.MaxSignatureBytes];
        var decoded = SignatureStep.TryDecode(layer.Signature, signature, out var signatureLength);
        signature = signature[..signatureLength];
        var claimsCheck = PayloadClaimsStep.Check(payload, expectations.ImageDigestText, out var claims);
        RekorBundle? bundle = null;
        var bundleError = string.Empty;
        if (layer.Bundle is not null && !RekorBundle.TryParse(layer.Bundle, out bundle, out bundleError))
        {
            bundle = null;
        }

        var referenceCheck = claims is not null && expectations.Repository is { } repository ? DockerReferenceStep.Check(claims.DockerReference, repository) : null;
        var context = new LayerContext(layer, claimsCheck, referenceCheck, claims?.DockerReference, bundle, bundleError, expectations);
        return layer.Certificate is null
            ? VerifyKeyBased(context, payload, signature, decoded, authorities)
            : VerifyKeyless(context, payload, signature, decoded, authorities);
    }

    private SignatureOutcome VerifyKeyBased(LayerContext context, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature, bool decoded, IReadOnlyList<Signer> authorities)
    {
        SignatureVerification? best = null;
        var bestPassed = -1;
        List<string>? satisfied = null;
        string? signerId = null;
        foreach (var authority in authorities)
        {
            if (authority is not KeySigner { Key: var key })
            {
                continue;
            }

            var checks = new List<CheckResult>(3);
            long? logIndex = null;
            DateTimeOffset? integratedTime = null;
            if (Add(checks, SignatureStep.Check(key, context.Layer.Signature, signature, decoded, payload))
                && AddClaims(checks, context))
            {
                var tlog = CheckTlog(context, authority.TrustedMaterial, signature, key.SubjectPublicKeyInfo, signerIsCertificate: false, payload);
                if (tlog is not null)
                {
                    Add(checks, tlog);
                    if (tlog.Passed)
                    {
                        logIndex = context.Bundle!.LogIndex;
                        integratedTime = context.Bundle.IntegratedAt;
                    }
                }
            }

            var verified = CheckResults.AllPassed(checks);
            var verification = Build(context, SignatureKinds.ClassicKey, verified, checks, verified ? authority.Name : null, null, null, key.KeyIdHex, logIndex, integratedTime);
            if (verified)
            {
                (satisfied ??= []).Add(authority.Name);
                signerId ??= "key:" + key.KeyIdHex;
            }

            Consider(ref best, ref bestPassed, verification);
        }

        return Finish(context, SignatureKinds.ClassicKey, best, satisfied, signerId, "no key authority in the rule");
    }

    private SignatureOutcome VerifyKeyless(LayerContext context, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature, bool decoded, IReadOnlyList<Signer> authorities)
    {
        var certificateCheck = LeafCertificateSteps.Parse(context.Layer.Certificate!, out var leaf);
        try
        {
            SignatureVerification? best = null;
            var bestPassed = -1;
            List<string>? satisfied = null;
            string? signerId = null;
            CheckResult? signatureCheck = null;
            foreach (var authority in authorities)
            {
                if (authority is not IdentitySigner keyless)
                {
                    continue;
                }

                var checks = new List<CheckResult>(8);
                string? identity = null;
                string? issuer = null;
                long? logIndex = null;
                DateTimeOffset? integratedTime = null;
                if (Add(checks, certificateCheck)
                    && Add(checks, signatureCheck ??= SignatureStep.Check(leaf!.Key, context.Layer.Signature, signature, decoded, payload))
                    && AddClaims(checks, context))
                {
                    var signingTime = _timeProvider.GetUtcNow();
                    var tlog = CheckTlog(context, keyless.TrustedMaterial, signature, leaf!.RawData, signerIsCertificate: true, payload);
                    var tlogPassed = true;
                    if (tlog is not null)
                    {
                        tlogPassed = Add(checks, tlog);
                        if (tlogPassed)
                        {
                            logIndex = context.Bundle!.LogIndex;
                            integratedTime = context.Bundle.IntegratedAt;
                            signingTime = context.Bundle.IntegratedAt;
                        }
                    }

                    if (tlogPassed && Add(checks, LeafCertificateSteps.CheckValidity(leaf, signingTime)))
                    {
                        var evidence = _evidence.VerifyCertificate(keyless, leaf, context.Layer.Chain, signingTime, context.Expectations.RequireSct);
                        checks.AddRange(evidence.Checks);
                        identity = evidence.Identity;
                        issuer = evidence.Issuer;
                        if (evidence.Checks.Count == 0)
                        {
                            checks.Add(CheckResult.Fail("certificate-identity", "NO_CHECKS", "the certificate checks returned no result"));
                        }
                    }
                }

                var verified = CheckResults.AllPassed(checks);
                var verification = Build(context, SignatureKinds.ClassicKeyless, verified, checks, verified ? authority.Name : null, identity, issuer, leaf?.Key.KeyIdHex, logIndex, integratedTime);
                if (verified)
                {
                    (satisfied ??= []).Add(authority.Name);
                    signerId ??= $"keyless:{issuer} {identity}";
                }

                Consider(ref best, ref bestPassed, verification);
            }

            return Finish(context, SignatureKinds.ClassicKeyless, best, satisfied, signerId, "no keyless authority in the rule");
        }
        finally
        {
            leaf?.Dispose();
        }
    }

    private CheckResult? CheckTlog(LayerContext context, Func<TrustedMaterial> trust, ReadOnlySpan<byte> signature, ReadOnlyMemory<byte> signer, bool signerIsCertificate, ReadOnlySpan<byte> payload)
    {
        if (context.Layer.Bundle is null)
        {
            return context.Expectations.RequireTlog
                ? CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogMissing, "no transparency-log proof (dev.sigstore.cosign/bundle annotation) and the rule requires one")
                : null;
        }

        if (!context.Expectations.RequireTlog)
        {
            // As cosign's --insecure-ignore-tlog: the proof is neither required nor checked.
            return null;
        }

        if (context.Bundle is null)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, context.BundleError);
        }

        return _evidence.VerifyTlog(trust, context.Bundle, signature, signer, signerIsCertificate, payload);
    }

    /// <summary>The claims, then the docker-reference when the rule requires it (otherwise a mismatch is only a warning).</summary>
    private static bool AddClaims(List<CheckResult> checks, LayerContext context)
        => Add(checks, context.ClaimsCheck)
           && (!context.Expectations.RequireDockerReference || context.ReferenceCheck is null || Add(checks, context.ReferenceCheck));

    private static bool Add(List<CheckResult> checks, CheckResult check)
    {
        checks.Add(check);
        return check.Passed;
    }

    private static void Consider(ref SignatureVerification? best, ref int bestPassed, SignatureVerification candidate)
    {
        var passed = 0;
        foreach (var check in candidate.Checks)
        {
            passed += check.Passed ? 1 : 0;
        }

        if (best is null || (candidate.Verified && !best.Verified) || (!best.Verified && passed > bestPassed))
        {
            best = candidate;
            bestPassed = passed;
        }
    }

    private static SignatureVerification Build(
        LayerContext context, string kind, bool verified, IReadOnlyList<CheckResult> checks, string? authority,
        string? identity, string? issuer, string? keyId, long? logIndex, DateTimeOffset? integratedTime)
        => new(kind, verified, verified ? "OK" : CheckResults.FirstFailure(checks)?.ReasonCode ?? "NO_CHECKS", authority, identity, issuer, keyId, logIndex, integratedTime, checks)
        {
            Subject = context.Expectations.ImageDigest,
            DockerReference = context.DockerReference,
            Warnings = !context.Expectations.RequireDockerReference && context.ReferenceCheck is { Passed: false } mismatch ? [mismatch] : [],
        };

    private static SignatureOutcome Finish(LayerContext context, string kind, SignatureVerification? best, List<string>? satisfied, string? signerId, string noAuthorityDetail)
    {
        best ??= Build(context, kind, false, [CheckResult.Fail("authority", "NO_MATCHING_AUTHORITY", noAuthorityDetail)], null, null, null, null, null, null);
        return new SignatureOutcome(best, satisfied is null ? [] : satisfied, signerId);
    }

    private sealed record LayerContext(SignatureLayer Layer, CheckResult ClaimsCheck, CheckResult? ReferenceCheck, string? DockerReference, RekorBundle? Bundle, string BundleError, ClassicExpectations Expectations);
}
