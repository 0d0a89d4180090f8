using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies one classic cosign layer against the candidate signers, as <c>cosign verify</c> and <c>cosign verify-attestation</c>
/// do. Both layer kinds are one signed entity (signed content, a key or certificate, the Rekor proof) verified by one step
/// sequence: signature → transparency log → certificate at signing time and identity → statement. The content differs only
/// in what the signature covers (the simple-signing payload, or the DSSE envelope's PAE) and in its statement checks (the
/// payload claims, checked right after the signature as cosign does; or the caller's in-toto statement policy, last).
/// Pure and I/O-free: the content is already fetched (and digest-checked) and every key already resolved.
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

    /// <summary>Verifies a <c>.sig</c> <paramref name="layer"/> with its <paramref name="payload"/> against every applicable signer. Never throws for bad input.</summary>
    public SignatureOutcome Verify(SignatureLayer layer, ReadOnlySpan<byte> payload, IReadOnlyList<Signer> authorities, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentNullException.ThrowIfNull(expectations);

        Span<byte> signature = stackalloc byte[SignatureStep.MaxSignatureBytes];
        var decoded = SignatureStep.TryDecode(layer.Signature, signature, out var signatureLength);
        var claimsCheck = PayloadClaimsStep.Check(payload, expectations.ImageDigestText, out var claims);
        var referenceCheck = claims is not null && expectations.Repository is { } repository ? DockerReferenceStep.Check(claims.DockerReference, repository) : null;
        var entity = new SignedLayer(layer, payload, expectations)
        {
            Signature = signature[..signatureLength],
            Decoded = decoded,
            ClaimsCheck = claimsCheck,
            ReferenceCheck = referenceCheck,
            DockerReference = claims?.DockerReference,
        };
        return VerifyEntity(ref entity, authorities, "rule");
    }

    /// <summary>
    /// Verifies a <c>.att</c> <paramref name="layer"/> carrying <paramref name="envelope"/> against every applicable signer:
    /// some envelope signature must verify over the PAE, and <paramref name="policy"/> on <paramref name="statement"/> is the
    /// last step. Never throws for bad input.
    /// </summary>
    /// <param name="layer">The layer (certificate, chain and Rekor bundle annotations).</param>
    /// <param name="envelope">The layer's DSSE envelope, with at least one signature.</param>
    /// <param name="statement">The envelope's in-toto statement.</param>
    /// <param name="policy">What the statement must say; checked once, counted only once the signature chain verified.</param>
    /// <param name="authorities">The candidate signers.</param>
    /// <param name="expectations">The subject digest and the tlog and SCT requirements.</param>
    public SignatureOutcome VerifyEnvelope(
        SignatureLayer layer, DsseEnvelope envelope, InTotoStatement statement, StatementPolicy policy, IReadOnlyList<Signer> authorities, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentNullException.ThrowIfNull(expectations);
        var statementChecks = new List<CheckResult>(3);
        policy.Check(envelope, statement, statementChecks);
        var entity = new SignedLayer(layer, envelope.PreAuthenticationEncoding(), expectations)
        {
            Envelope = envelope,
            StatementChecks = statementChecks,
        };
        return VerifyEntity(ref entity, authorities, "requirement");
    }

    private SignatureOutcome VerifyEntity(ref SignedLayer entity, IReadOnlyList<Signer> authorities, string authoritiesOf)
    {
        var keyless = entity.Layer.Certificate is not null;
        var kind = keyless ? SignatureKinds.ClassicKeyless : SignatureKinds.ClassicKey;
        LeafCertificate? leaf = null;
        var certificateCheck = keyless ? LeafCertificateSteps.Parse(entity.Layer.Certificate!, out leaf) : null;
        if (entity.Layer.Bundle is not null)
        {
            entity.Bundle = RekorBundle.TryParse(entity.Layer.Bundle, out var bundle, out var bundleError) ? bundle : null;
            entity.BundleError = bundleError;
        }

        try
        {
            var best = default(BestVerification);
            CheckResult? leafSignatureCheck = null;
            foreach (var authority in authorities)
            {
                SignatureVerification verification;
                if (keyless && authority is IdentitySigner identitySigner)
                {
                    verification = VerifyKeyless(ref entity, identitySigner, leaf, certificateCheck!, ref leafSignatureCheck, new List<CheckResult>(8));
                    best.Consider(verification, verification.Verified && !best.HasSigner ? $"keyless:{verification.Issuer} {verification.Identity}" : null);
                }
                else if (!keyless && authority is KeySigner keySigner)
                {
                    verification = VerifyKeyBased(ref entity, authority, keySigner.Key, new List<CheckResult>(3));
                    best.Consider(verification, verification.Verified && !best.HasSigner ? "key:" + keySigner.Key.KeyIdHex : null);
                }
            }

            return best.Finish()
                ?? new SignatureOutcome(Build(ref entity, kind, false, [CheckResult.Fail("authority", "NO_MATCHING_AUTHORITY", $"no {(keyless ? "keyless" : "key")} authority in the {authoritiesOf}")], null, null, null, null, null, null), [], null);
        }
        finally
        {
            leaf?.Dispose();
        }
    }

    private SignatureVerification VerifyKeyBased(ref SignedLayer entity, Signer authority, VerificationKey key, List<CheckResult> checks)
    {
        long? logIndex = null;
        DateTimeOffset? integratedTime = null;
        if (Add(checks, CheckSignature(ref entity, key)) && AddEarlyStatement(checks, ref entity))
        {
            var tlog = CheckTlog(ref entity, authority.TrustedMaterial, key.SubjectPublicKeyInfo, signerIsCertificate: false);
            if (tlog is null || Add(checks, tlog))
            {
                if (tlog is not null)
                {
                    logIndex = entity.Bundle!.LogIndex;
                    integratedTime = entity.Bundle.IntegratedAt;
                }

                checks.AddRange(entity.StatementChecks);
            }
        }

        var verified = CheckResults.AllPassed(checks);
        return Build(ref entity, SignatureKinds.ClassicKey, verified, checks, verified ? authority.Name : null, null, null, key.KeyIdHex, logIndex, integratedTime);
    }

    private SignatureVerification VerifyKeyless(
        ref SignedLayer entity, IdentitySigner authority, LeafCertificate? leaf, CheckResult certificateCheck, ref CheckResult? signatureCheck, List<CheckResult> checks)
    {
        string? identity = null;
        string? issuer = null;
        long? logIndex = null;
        DateTimeOffset? integratedTime = null;

        // The leaf's key is the same for every authority: its signature is checked once.
        if (Add(checks, certificateCheck)
            && Add(checks, signatureCheck ??= CheckSignature(ref entity, leaf!.Key))
            && AddEarlyStatement(checks, ref entity))
        {
            var signingTime = _timeProvider.GetUtcNow();
            var tlog = CheckTlog(ref entity, authority.TrustedMaterial, leaf!.RawData, signerIsCertificate: true);
            if (tlog is null || Add(checks, tlog))
            {
                if (tlog is not null)
                {
                    logIndex = entity.Bundle!.LogIndex;
                    integratedTime = entity.Bundle.IntegratedAt;
                    signingTime = entity.Bundle.IntegratedAt;
                }

                if (Add(checks, LeafCertificateSteps.CheckValidity(leaf, signingTime)))
                {
                    var evidence = _evidence.VerifyCertificate(authority, leaf, entity.Layer.Chain, signingTime, entity.Expectations.RequireSct);
                    checks.AddRange(evidence.Checks);
                    identity = evidence.Identity;
                    issuer = evidence.Issuer;
                    if (evidence.Checks.Count == 0)
                    {
                        checks.Add(CheckResult.Fail("certificate-identity", "NO_CHECKS", "the certificate checks returned no result"));
                    }

                    checks.AddRange(entity.StatementChecks);
                }
            }
        }

        var verified = CheckResults.AllPassed(checks);
        return Build(ref entity, SignatureKinds.ClassicKeyless, verified, checks, verified ? authority.Name : null, identity, issuer, leaf?.Key.KeyIdHex, logIndex, integratedTime);
    }

    /// <summary>The signature step: over the payload with the layer's signature annotation, or any envelope signature over the PAE.</summary>
    private static CheckResult CheckSignature(ref SignedLayer entity, VerificationKey key)
    {
        if (entity.Envelope is null)
        {
            return SignatureStep.Check(key, entity.Layer.Signature, entity.Signature, entity.Decoded, entity.Message);
        }

        foreach (var signature in entity.Envelope.Signatures)
        {
            if (key.VerifyMessage(entity.Message, signature.Signature))
            {
                entity.Signature = signature.Signature;
                return CheckResult.Pass(ClassicSteps.Signature, "DSSE");
            }
        }

        return CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "no DSSE signature verifies over the PAE with this key");
    }

    private CheckResult? CheckTlog(ref SignedLayer entity, Func<TrustedMaterial> trust, ReadOnlyMemory<byte> signer, bool signerIsCertificate)
    {
        if (!entity.Expectations.RequireTlog)
        {
            // As cosign's --insecure-ignore-tlog: the proof is neither required nor checked.
            return null;
        }

        if (entity.Layer.Bundle is null)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogMissing, "no transparency-log proof (dev.sigstore.cosign/bundle annotation) and the rule requires one");
        }

        if (entity.Bundle is null)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, entity.BundleError);
        }

        return _evidence.VerifyTlog(trust, entity.Bundle, entity.Signature, signer, signerIsCertificate, entity.Message, entity.Envelope);
    }

    /// <summary>
    /// A simple-signing payload's claims, then its docker-reference when the rule requires it (otherwise a mismatch is only a
    /// warning); nothing for an envelope, whose statement is checked last.
    /// </summary>
    private static bool AddEarlyStatement(List<CheckResult> checks, ref SignedLayer entity)
        => entity.ClaimsCheck is null
           || (Add(checks, entity.ClaimsCheck)
               && (!entity.Expectations.RequireDockerReference || entity.ReferenceCheck is null || Add(checks, entity.ReferenceCheck)));

    private static bool Add(List<CheckResult> checks, CheckResult check)
    {
        checks.Add(check);
        return check.Passed;
    }

    private static SignatureVerification Build(
        ref SignedLayer entity, string kind, bool verified, IReadOnlyList<CheckResult> checks, string? authority,
        string? identity, string? issuer, string? keyId, long? logIndex, DateTimeOffset? integratedTime)
        => new(kind, verified, verified ? "OK" : CheckResults.FirstFailure(checks)?.ReasonCode ?? "NO_CHECKS", authority, identity, issuer, keyId, logIndex, integratedTime, checks)
        {
            Subject = entity.Expectations.ImageDigest,
            DockerReference = entity.DockerReference,
            Warnings = !entity.Expectations.RequireDockerReference && entity.ReferenceCheck is { Passed: false } mismatch ? [mismatch] : [],
        };

    /// <summary>
    /// The classic signed entity: a layer's annotations (certificate, chain, Rekor bundle), the message its signature covers
    /// (the payload, or the envelope's PAE), and its statement checks. On the stack: a <c>.sig</c> verification allocates
    /// nothing for it.
    /// </summary>
    private ref struct SignedLayer
    {
        public SignedLayer(SignatureLayer layer, ReadOnlySpan<byte> message, ClassicExpectations expectations)
        {
            Layer = layer;
            Message = message;
            Expectations = expectations;
        }

        public SignatureLayer Layer { get; }

        public ReadOnlySpan<byte> Message { get; }

        public ClassicExpectations Expectations { get; }

        /// <summary>The signature bytes: the decoded annotation, or the envelope signature that verified.</summary>
        public ReadOnlySpan<byte> Signature { get; set; }

        public bool Decoded { get; init; }

        public DsseEnvelope? Envelope { get; init; }

        public CheckResult? ClaimsCheck { get; init; }

        public CheckResult? ReferenceCheck { get; init; }

        public string? DockerReference { get; init; }

        public IReadOnlyList<CheckResult> StatementChecks { get; init; } = [];

        /// <summary>The parsed Rekor bundle annotation; null when absent or unreadable (see <see cref="BundleError"/>).</summary>
        public RekorBundle? Bundle { get; set; }

        public string BundleError { get; set; } = string.Empty;
    }
}
