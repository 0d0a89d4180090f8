using ImageTrust.Model;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// The one verification of a <see cref="SignedEntity"/> (a classic <c>.sig</c> or <c>.att</c> layer, or a Sigstore bundle)
/// against each applicable signer, one step per file: signature (<see cref="SignatureStep"/>), the content's subject
/// (<see cref="PayloadClaimsStep"/>, <see cref="DockerReferenceStep"/>, <see cref="InTotoSubjectStep"/>), timestamps
/// (<see cref="TimestampStep"/>), transparency log (<see cref="TransparencyLogStep"/>), certificate and identity
/// (<see cref="CertificateStep"/>), then the statement (<see cref="StatementPolicy"/>): "signature or attestation" is that
/// policy. Pure and I/O-free: the content is already fetched (and digest-checked) and every key already resolved. Thread-safe.
/// </summary>
internal sealed class SignedEntityVerifier
{
    private readonly TimeProvider _timeProvider;
    private readonly TransparencyLogStep _tlog;
    private readonly CertificateStep _certificate = new();

    /// <summary>Creates the verifier; <paramref name="timeProvider"/> rejects log times in the future and dates an unlogged classic signature.</summary>
    public SignedEntityVerifier(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _tlog = new TransparencyLogStep(timeProvider);
    }

    /// <summary>Verifies a <c>.sig</c> <paramref name="layer"/> with its <paramref name="payload"/> against every applicable signer. Never throws for bad input.</summary>
    public SignatureOutcome VerifySignatureLayer(SignatureLayer layer, ReadOnlySpan<byte> payload, IReadOnlyList<Signer> authorities, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        Span<byte> signature = stackalloc byte[SignatureStep.MaxSignatureBytes];
        using var entity = SignedEntity.FromSignatureLayer(layer, payload, signature, expectations);
        return Verify(entity, authorities, "rule");
    }

    /// <summary>
    /// Verifies a <c>.att</c> <paramref name="layer"/> carrying <paramref name="envelope"/> (with at least one signature)
    /// against every applicable signer: some envelope signature must verify over the PAE, and <paramref name="policy"/> on
    /// <paramref name="statement"/> is the last step. Never throws for bad input.
    /// </summary>
    public SignatureOutcome VerifyAttestationLayer(
        SignatureLayer layer, DsseEnvelope envelope, InTotoStatement statement, StatementPolicy policy, IReadOnlyList<Signer> authorities, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        using var entity = SignedEntity.FromAttestationLayer(layer, envelope, statement, policy, expectations);
        return Verify(entity, authorities, "requirement");
    }

    /// <summary>
    /// Verifies <paramref name="bundle"/> about <paramref name="subject"/> (sha256) against every applicable signer: keyless
    /// bundles against identities, key bundles against keys. Never throws for bad input.
    /// </summary>
    /// <param name="bundle">The parsed bundle.</param>
    /// <param name="subject">The image digest the bundle must be about.</param>
    /// <param name="authorities">The candidate signers.</param>
    /// <param name="requireTlog">A verified log entry is required.</param>
    /// <param name="requireSct">An SCT is required on keyless certificates.</param>
    /// <param name="statement">What the statement must say.</param>
    /// <param name="authoritiesOf">Where the authorities come from ("rule", "requirement"), for the no-authority detail.</param>
    public SignatureOutcome VerifyBundle(
        SigstoreBundle bundle, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct, StatementPolicy statement, string authoritiesOf)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentNullException.ThrowIfNull(statement);
        if (subject.Algorithm != "sha256")
        {
            var kind = bundle.Certificate is not null ? SignatureKinds.BundleKeyless : SignatureKinds.BundleKey;
            return Failed(kind, subject, CheckResult.Fail("subject", "UNSUPPORTED_DIGEST", $"{subject} is not a sha256 digest"));
        }

        var options = new BundleVerifierOptions(ignoreTransparencyLogUnsafe: !requireTlog, ignoreSctUnsafe: !requireSct);
        var entity = SignedEntity.FromBundle(bundle, BundleArtifact.FromSha256(subject.ToBytes()), subject, statement, options);
        return Verify(entity, authorities, authoritiesOf);
    }

    /// <summary>Parses and verifies <paramref name="bundleJson"/>; a malformed bundle is a <c>BUNDLE_MALFORMED</c> outcome. Never throws for bad input.</summary>
    public SignatureOutcome VerifyBundle(ReadOnlyMemory<byte> bundleJson, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct, StatementPolicy statement)
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

        return VerifyBundle(bundle, subject, authorities, requireTlog, requireSct, statement, "rule");
    }

    /// <summary>
    /// The step sequence for one <paramref name="signer"/> (which must match the entity: an identity for a keyless one, a key
    /// otherwise): material, signature, subject, timestamps, transparency log, certificate and identity, statement. A classic
    /// entity stops at its first failing step, as cosign does; a bundle runs every step. The verdict names the first failure.
    /// </summary>
    /// <param name="entity">The entity.</param>
    /// <param name="signer">The signer.</param>
    /// <param name="keylessSignature">A keyless entity's signature check, shared by every signer (its key is the certificate's); null before the first.</param>
    public SignatureVerification VerifyWith(in SignedEntity entity, Signer signer, ref KeylessSignature keylessSignature)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var classic = entity.Classic;

        // Bundles load the signer's trust material up front; classic layers only once a proof is checked.
        var material = classic ? null : signer.TrustedMaterial();
        var checks = classic ? new List<CheckResult>(entity.Keyless ? 8 : 3) : new List<CheckResult>();
        var proceed = true;

        // Verification material: the certificate's key, or the key the signer brings.
        VerificationKey? key;
        if (!entity.Keyless)
        {
            key = ((KeySigner)signer).Key;
        }
        else if (classic)
        {
            key = entity.Leaf?.Key;
            proceed = Add(checks, entity.LeafCheck!);
        }
        else if ((key = entity.Certificate!.PublicKey) is null)
        {
            checks.Add(CheckResult.Fail("verification-material", "UNSUPPORTED_KEY", "the certificate's key algorithm is not supported"));
            entity.StatementPolicy?.Check(entity.Envelope, null, checks);
            return Build(entity, checks, signer, null, null, null, null, null);
        }

        // Signature.
        var signatureIndex = -1;
        if (proceed)
        {
            CheckResult signature;
            if (entity.Keyless)
            {
                if (keylessSignature.Check is null)
                {
                    keylessSignature.Check = SignatureStep.Check(entity, key!, out var index);
                    keylessSignature.Index = index;
                }

                signature = keylessSignature.Check;
                signatureIndex = keylessSignature.Index;
            }
            else
            {
                signature = SignatureStep.Check(entity, key!, out signatureIndex);
            }

            proceed = Add(checks, signature) || !classic;
        }

        // What the content says it is about: a simple-signing payload's claims (and docker-reference when the rule requires
        // it; otherwise a mismatch only warns), or a bundle statement's subject.
        if (proceed)
        {
            if (entity.ClaimsCheck is { } claims)
            {
                proceed = Add(checks, claims) && (!entity.RequireDockerReference || entity.ReferenceCheck is null || Add(checks, entity.ReferenceCheck));
            }
            else
            {
                checks.AddRange(entity.SubjectChecks);
            }
        }

        // Timestamps and the transparency log: the verified signing times.
        long? logIndex = null;
        DateTimeOffset? integratedTime = null;
        List<DateTimeOffset>? times = null;
        if (proceed && classic)
        {
            var signerBytes = entity.Keyless ? entity.Leaf!.RawData : key!.SubjectPublicKeyInfo;
            var tlog = _tlog.CheckRekorBundle(entity, signer.TrustedMaterial, entity.SignatureAt(signatureIndex), signerBytes, entity.Keyless);
            if (tlog is not null && (proceed = Add(checks, tlog)))
            {
                logIndex = entity.RekorBundle!.LogIndex;
                integratedTime = entity.RekorBundle.IntegratedAt;
            }
        }
        else if (!classic)
        {
            times = [];
            TimestampStep.Check(entity, entity.Signature, material!, checks, times);
            if (entity.RequireTlog)
            {
                logIndex = _tlog.CheckEntries(entity, material!, key!, checks, times);
            }

            integratedTime = times.Count == 0 ? null : times.Min();
        }

        // Certificate and identity at the signing time(s).
        string? identity = null;
        string? issuer = null;
        if (proceed && entity.Keyless)
        {
            var identitySigner = (IdentitySigner)signer;
            CertificateEvidence evidence;
            if (classic)
            {
                var signingTime = integratedTime ?? _timeProvider.GetUtcNow();
                proceed = Add(checks, LeafCertificateSteps.CheckValidity(entity.Leaf!, signingTime));
                evidence = proceed ? _certificate.VerifyLeaf(identitySigner, entity.Leaf!, entity.ChainPem, signingTime, entity.RequireSct) : new CertificateEvidence([], null, null);
                if (proceed && evidence.Checks.Count == 0)
                {
                    checks.Add(CheckResult.Fail("certificate-identity", "NO_CHECKS", "the certificate checks returned no result"));
                }
            }
            else
            {
                evidence = CertificateStep.VerifyBundleCertificate(entity, identitySigner, material!, times!);
            }

            checks.AddRange(evidence.Checks);
            identity = evidence.Identity;
            issuer = evidence.Issuer;
        }

        // The statement, last.
        if (proceed)
        {
            entity.StatementPolicy?.Check(entity.Envelope, entity.Statement, checks);
        }

        return Build(entity, checks, signer, identity, issuer, key?.KeyIdHex, logIndex, integratedTime);
    }

    // Every applicable signer: the first that verifies, else the attempt that got furthest, and every signer satisfied.
    private SignatureOutcome Verify(in SignedEntity entity, IReadOnlyList<Signer> authorities, string authoritiesOf)
    {
        var best = default(BestVerification);
        var keylessSignature = default(KeylessSignature);
        // Indexed, not foreach: the interface enumerator would be one allocation per verification.
        for (var i = 0; i < authorities.Count; i++)
        {
            var authority = authorities[i];
            if (entity.Keyless ? authority is not IdentitySigner : authority is not KeySigner)
            {
                continue;
            }

            var verification = VerifyWith(entity, authority, ref keylessSignature);
            best.Consider(verification, verification.Verified && !best.HasSigner ? SignerId(entity.Keyless, verification) : null);
        }

        return best.Finish()
            ?? new SignatureOutcome(
                Build(entity, [CheckResult.Fail("authority", "NO_MATCHING_AUTHORITY", $"no {(entity.Keyless ? "keyless" : "key")} authority in the {authoritiesOf}")], null, null, null, null, null, null),
                [],
                null);
    }

    private static string SignerId(bool keyless, SignatureVerification verification)
        => keyless ? $"keyless:{verification.Issuer} {verification.Identity}" : "key:" + verification.KeyId;

    private static bool Add(List<CheckResult> checks, CheckResult check)
    {
        checks.Add(check);
        return check.Passed;
    }

    private static SignatureVerification Build(
        in SignedEntity entity, IReadOnlyList<CheckResult> checks, Signer? signer, string? identity, string? issuer, string? keyId, long? logIndex, DateTimeOffset? integratedTime)
    {
        var verified = signer is not null && CheckResults.AllPassed(checks);
        return new(
            entity.Kind, verified, verified ? "OK" : CheckResults.FirstFailure(checks)?.ReasonCode ?? "NO_CHECKS", verified ? signer!.Name : null,
            identity, issuer, keyId, logIndex, integratedTime, checks)
        {
            Subject = entity.Subject,
            DockerReference = entity.DockerReference,
            Warnings = !entity.RequireDockerReference && entity.ReferenceCheck is { Passed: false } mismatch ? [mismatch] : [],
        };
    }

    private static SignatureOutcome Failed(string kind, Digest subject, CheckResult check)
        => new(new SignatureVerification(kind, false, check.ReasonCode, null, null, null, null, null, null, [check]) { Subject = subject }, [], null);

    /// <summary>A keyless entity's signature check, made once and shared by every signer: the result and which envelope signature verified.</summary>
    internal struct KeylessSignature
    {
        /// <summary>The result; null before the first signer.</summary>
        public CheckResult? Check { get; set; }

        /// <summary>Which of a classic envelope's signatures verified; -1 otherwise.</summary>
        public int Index { get; set; }
    }
}
