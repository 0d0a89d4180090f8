using System.Buffers;
using System.Text;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Verification;

/// <summary>
/// Verifies an image's attestations of one predicate type: classic <c>sha256-….att</c> DSSE layers and Sigstore bundle
/// referrers (or the <c>sha256-…</c> fallback tag). Each attestation's DSSE signature is verified against the requirement's
/// authorities (key, or keyless certificate with its Rekor proof), then its statement must have the requested predicate
/// type, a subject carrying the image digest, and meet every condition. Fail-closed: the verdict passes only when at least
/// one attestation verified completely. Runs within a <see cref="VerificationBudget"/>, its own or the image verification's.
/// </summary>
internal sealed class SigstoreAttestationVerifier
{
    private const int MaxLogBodyBytes = 1024 * 1024;

    private readonly RegistryClient _registry;
    private readonly AuthorityResolver _authorities;
    private readonly SigstoreEvidenceVerifier _evidence;
    private readonly TimeProvider _timeProvider;
    private readonly ImageVerifierOptions _options;
    private readonly ILogger<SigstoreAttestationVerifier> _logger;

    /// <summary>Creates the engine.</summary>
    public SigstoreAttestationVerifier(
        RegistryClient registry,
        AuthorityResolver authorities,
        SigstoreEvidenceVerifier evidence,
        TimeProvider timeProvider,
        ImageVerifierOptions options,
        ILogger<SigstoreAttestationVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Limits.Validate();
        _registry = registry;
        _authorities = authorities;
        _evidence = evidence;
        _timeProvider = timeProvider;
        _options = options;
        _logger = logger;
    }

    /// <summary>Creates the engine with its real collaborators (trust material cached per source, Cloud KMS keys when <paramref name="kms"/> is given).</summary>
    public static SigstoreAttestationVerifier Create(
        RegistryClient registry,
        TimeProvider timeProvider,
        ILogger<SigstoreAttestationVerifier>? logger = null,
        CloudKmsPublicKeySource? kms = null,
        ImageVerifierOptions? options = null)
    {
        return new SigstoreAttestationVerifier(
            registry,
            new AuthorityResolver(kms),
            new TrustedMaterialEvidenceVerifier(timeProvider),
            timeProvider,
            options ?? new ImageVerifierOptions(),
            logger ?? NullLogger<SigstoreAttestationVerifier>.Instance);
    }

    /// <summary>Finds and verifies the attestations of <paramref name="requirement"/>'s predicate type.</summary>
    /// <param name="image">The image; its digest is resolved when absent.</param>
    /// <param name="requirement">The predicate type, its authorities (the rule's when empty) and conditions.</param>
    /// <param name="rule">The rule: formats accepted, tlog and SCT requirements.</param>
    /// <param name="cancellationToken">Cancels the registry calls.</param>
    /// <exception cref="ConfigurationException">No authority, or a key can't be used.</exception>
    /// <exception cref="TransientFailureException">The registry or Cloud KMS is unavailable.</exception>
    public async Task<AttestationVerdict> VerifyAsync(ImageReference image, AttestationRequirement requirement, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        using var budget = new VerificationBudget(_options.Limits, _timeProvider, cancellationToken);
        return await VerifyAsync(image, requirement, rule, budget).ConfigureAwait(false);
    }

    /// <summary>As <see cref="VerifyAsync(ImageReference, AttestationRequirement, PolicyRule, CancellationToken)"/>, within <paramref name="budget"/>.</summary>
    /// <exception cref="ConfigurationException">No authority, or a key can't be used.</exception>
    /// <exception cref="TransientFailureException">The registry or Cloud KMS is unavailable.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<AttestationVerdict> VerifyAsync(ImageReference image, AttestationRequirement requirement, PolicyRule rule, VerificationBudget budget)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(budget);
        try
        {
            return await VerifyWithinAsync(image, requirement, rule, budget).ConfigureAwait(false);
        }
        catch (VerificationBudgetExceededException e)
        {
            _logger.LogWarning("Attestation verification of {Image} stopped: {Reason} ({Detail})", image.ToString(), e.ReasonCode, e.Message);
            return new AttestationVerdict(image, false, [], [e.ReasonCode]) { Details = [$"{image}: {e.Message}"] };
        }
        catch (OperationCanceledException) when (budget.TimedOut)
        {
            var detail = VerificationReasons.TimeoutDetail(budget.Limits.Timeout);
            _logger.LogWarning("Attestation verification of {Image} stopped: {Reason} ({Detail})", image.ToString(), VerificationReasons.VerificationTimeout, detail);
            return new AttestationVerdict(image, false, [], [VerificationReasons.VerificationTimeout]) { Details = [$"{image}: {detail}"] };
        }
    }

    private async Task<AttestationVerdict> VerifyWithinAsync(ImageReference image, AttestationRequirement requirement, PolicyRule rule, VerificationBudget budget)
    {
        var registry = new BudgetedRegistryClient(_registry, budget);
        var cancellationToken = budget.Token;
        var signers = requirement.Authorities.Count > 0 ? rule with { Authorities = requirement.Authorities } : rule;
        var authorities = await _authorities.ResolveAsync(signers, cancellationToken).ConfigureAwait(false);

        Digest digest;
        try
        {
            digest = image.Digest ?? (await registry.GetManifestAsync(image, cancellationToken).ConfigureAwait(false)).Digest;
        }
        catch (RegistryNotFoundException)
        {
            return new AttestationVerdict(image, false, [], [VerificationReasons.ImageNotFound]);
        }
        catch (RegistryProtocolException e)
        {
            return new AttestationVerdict(image, false, [], [e.ReasonCode]);
        }

        var pinned = image.WithDigest(digest);
        if (!VerificationReasons.IsSignable(digest))
        {
            return new AttestationVerdict(pinned, false, [], [VerificationReasons.UnsupportedDigest]) { Details = [VerificationReasons.UnsupportedDigestDetail(digest)] };
        }

        var repository = _options.SignatureRepository ?? pinned;
        var context = new AttestationContext(digest, authorities, requirement, rule.RequireTlog, rule.RequireSct);
        var outcomes = new List<AttestationOutcome>();
        if ((rule.Formats & SignatureFormats.Classic) != 0)
        {
            await DiscoverClassicAsync(registry, budget, repository, context, outcomes).ConfigureAwait(false);
        }

        if ((rule.Formats & SignatureFormats.Bundle) != 0)
        {
            await DiscoverBundlesAsync(registry, budget, repository, context, outcomes).ConfigureAwait(false);
        }

        var reasons = new List<string>();
        var verified = outcomes.Any(outcome => outcome.Verification.Verified);
        if (outcomes.Count == 0)
        {
            reasons.Add(AttestationReasons.NoAttestations);
        }
        else if (!verified)
        {
            reasons.Add(AttestationReasons.NoValidAttestations);
            reasons.AddRange(outcomes.Select(outcome => outcome.Verification.Reason).Where(reason => reason != "OK").Distinct(StringComparer.Ordinal));
        }

        _logger.LogInformation(
            "Verified {PredicateType} attestations of {Image}: {Verified} ({Count} considered, reasons {Reasons})",
            requirement.PredicateType, pinned.ToString(), verified, outcomes.Count, string.Join(",", reasons));
        return new AttestationVerdict(pinned, verified, outcomes, reasons);
    }

    /// <summary>
    /// Verifies one classic <c>.att</c> layer's DSSE envelope; null when it is an attestation of another predicate type.
    /// Never throws for bad input.
    /// </summary>
    internal AttestationOutcome? VerifyClassicLayer(SignatureLayer layer, ReadOnlyMemory<byte> envelopeJson, AttestationContext context)
    {
        var kind = layer.Certificate is null ? SignatureKinds.ClassicKey : SignatureKinds.ClassicKeyless;
        DsseEnvelope envelope;
        try
        {
            envelope = DsseEnvelope.Parse(envelopeJson);
        }
        catch (FormatException e)
        {
            return Failed(kind, context.Digest, CheckResult.Fail(AttestationStatementChecks.Step, AttestationReasons.StatementMalformed, e.Message), null);
        }

        var statement = ReadStatement(envelope, kind, context, out var failure);
        if (statement is null)
        {
            return failure;
        }

        if (envelope.Signatures.Count == 0)
        {
            return Failed(kind, context.Digest, CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureMissing, "the DSSE envelope has no signature"), statement.PredicateType);
        }

        RekorBundle? rekor = null;
        var rekorError = string.Empty;
        if (layer.Bundle is not null && !RekorBundle.TryParse(layer.Bundle, out rekor, out rekorError))
        {
            rekor = null;
        }

        var pae = envelope.PreAuthenticationEncoding();
        var statementChecks = AttestationStatementChecks.Check(statement, context.Digest, context.Requirement);
        SignatureVerification? best = null;
        LeafCertificate? leaf = null;
        var certificateCheck = layer.Certificate is null ? null : LeafCertificateSteps.Parse(layer.Certificate, out leaf);
        try
        {
            foreach (var authority in context.Authorities)
            {
                var checks = new List<CheckResult>(8);
                string? identity = null, issuer = null, keyId = null;
                long? logIndex = null;
                DateTimeOffset? integratedTime = null;
                if (layer.Certificate is null && authority is KeySigner { Key: var key })
                {
                    keyId = key.KeyIdHex;
                    var signature = FindSignature(envelope, key, pae);
                    if (Add(checks, SignatureCheck(signature)))
                    {
                        var tlog = CheckTlog(layer, rekor, rekorError, authority.TrustedMaterial, signature!, null, key.SubjectPublicKeyInfo, envelope, context.RequireTlog);
                        if (tlog is null || Add(checks, tlog))
                        {
                            logIndex = tlog is null ? null : rekor!.LogIndex;
                            integratedTime = tlog is null ? null : rekor!.IntegratedAt;
                            checks.AddRange(statementChecks);
                        }
                    }
                }
                else if (layer.Certificate is not null && authority is IdentitySigner keyless)
                {
                    if (Add(checks, certificateCheck!))
                    {
                        keyId = leaf!.Key.KeyIdHex;
                        var signature = FindSignature(envelope, leaf.Key, pae);
                        if (Add(checks, SignatureCheck(signature)))
                        {
                            var signingTime = _timeProvider.GetUtcNow();
                            var tlog = CheckTlog(layer, rekor, rekorError, keyless.TrustedMaterial, signature!, leaf.RawData, null, envelope, context.RequireTlog);
                            if (tlog is null || Add(checks, tlog))
                            {
                                if (tlog is not null)
                                {
                                    logIndex = rekor!.LogIndex;
                                    integratedTime = rekor.IntegratedAt;
                                    signingTime = rekor.IntegratedAt;
                                }

                                if (Add(checks, LeafCertificateSteps.CheckValidity(leaf, signingTime)))
                                {
                                    var evidence = _evidence.VerifyCertificate(keyless, leaf, layer.Chain, signingTime, context.RequireSct);
                                    checks.AddRange(evidence.Checks);
                                    identity = evidence.Identity;
                                    issuer = evidence.Issuer;
                                    if (evidence.Checks.Count == 0)
                                    {
                                        checks.Add(CheckResult.Fail("certificate-identity", "NO_CHECKS", "the certificate checks returned no result"));
                                    }

                                    checks.AddRange(statementChecks);
                                }
                            }
                        }
                    }
                }
                else
                {
                    continue;
                }

                var verified = CheckResults.AllPassed(checks);
                var verification = new SignatureVerification(
                    kind, verified, verified ? "OK" : CheckResults.FirstFailure(checks)?.ReasonCode ?? "NO_CHECKS", verified ? authority.Name : null,
                    identity, issuer, keyId, logIndex, integratedTime, checks)
                {
                    Subject = context.Digest,
                };
                best = Better(best, verification);
            }
        }
        finally
        {
            leaf?.Dispose();
        }

        return Finish(kind, context, best, statement.PredicateType, envelope);
    }

    /// <summary>Verifies one Sigstore bundle; null when it is not a DSSE attestation of the requested predicate type. Never throws for bad input.</summary>
    internal AttestationOutcome? VerifyBundle(ReadOnlyMemory<byte> bundleJson, AttestationContext context)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundleParser.Parse(bundleJson);
        }
        catch (FormatException e)
        {
            return Failed(SignatureKinds.BundleKeyless, context.Digest, CheckResult.Fail("bundle", "BUNDLE_MALFORMED", e.Message), null);
        }

        if (bundle.Envelope is not { } envelope)
        {
            // A message signature signs a blob, not a statement: not an attestation.
            return null;
        }

        var keyless = bundle.Certificate is not null;
        var kind = keyless ? SignatureKinds.BundleKeyless : SignatureKinds.BundleKey;
        var statement = ReadStatement(envelope, kind, context, out var failure);
        if (statement is null)
        {
            return failure;
        }

        if (context.Digest.Algorithm != "sha256")
        {
            return Failed(kind, context.Digest, CheckResult.Fail("subject", "UNSUPPORTED_DIGEST", $"{context.Digest} is not a sha256 digest"), statement.PredicateType);
        }

        var artifact = BundleArtifact.FromSha256(context.Digest.ToBytes());
        var options = new BundleVerifierOptions(ignoreTransparencyLogUnsafe: !context.RequireTlog, ignoreSctUnsafe: !context.RequireSct);
        var statementChecks = AttestationStatementChecks.Check(statement, context.Digest, context.Requirement);
        SignatureVerification? best = null;
        foreach (var authority in context.Authorities)
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
            List<CheckResult> checks = [.. result.Checks, .. statementChecks];
            var verified = result.Verified && CheckResults.AllPassed(checks);
            var verification = new SignatureVerification(
                kind, verified, verified ? "OK" : CheckResults.FirstFailure(checks)?.ReasonCode ?? "NO_CHECKS", verified ? authority.Name : null,
                result.Identity, result.Issuer, result.KeyId, result.TlogIndex, result.IntegratedTime, checks)
            {
                Subject = context.Digest,
            };
            best = Better(best, verification);
        }

        return Finish(kind, context, best, statement.PredicateType, envelope);
    }

    private async Task DiscoverClassicAsync(RegistryClient registry, VerificationBudget budget, ImageReference repository, AttestationContext context, List<AttestationOutcome> outcomes)
    {
        var attReference = repository.WithTag(context.Digest.ToTagPrefix() + CosignMediaTypes.AttestationTagSuffix);
        SignatureManifest manifest;
        try
        {
            var content = await registry.GetManifestAsync(attReference, budget.Token).ConfigureAwait(false);
            manifest = SignatureManifest.Parse(content.Content, CosignMediaTypes.DsseEnvelope);
        }
        catch (RegistryNotFoundException)
        {
            return;
        }
        catch (RegistryProtocolException e)
        {
            outcomes.Add(Unreadable(SignatureKinds.ClassicKey, context.Digest, attReference.ToString(), e.ReasonCode, e.Message));
            return;
        }
        catch (FormatException e)
        {
            outcomes.Add(Unreadable(SignatureKinds.ClassicKey, context.Digest, attReference.ToString(), VerificationReasons.SignatureManifestInvalid, e.Message));
            return;
        }

        budget.ChargeSignatures(manifest.Layers.Count, attReference);
        foreach (var layer in manifest.Layers)
        {
            var location = $"{attReference} layer {layer.Index}";
            byte[] envelope;
            try
            {
                envelope = await registry.GetBlobAsync(attReference, layer.PayloadDigest, _options.MaxSignatureBlobBytes, budget.Token).ConfigureAwait(false);
            }
            catch (RegistryNotFoundException e)
            {
                outcomes.Add(Unreadable(SignatureKinds.ClassicKey, context.Digest, location, "PAYLOAD_NOT_FOUND", e.Message));
                continue;
            }
            catch (RegistryProtocolException e)
            {
                outcomes.Add(Unreadable(SignatureKinds.ClassicKey, context.Digest, location, e.ReasonCode, e.Message));
                continue;
            }

            if (VerifyClassicLayer(layer, envelope, context) is { } outcome)
            {
                outcomes.Add(outcome with { Verification = outcome.Verification with { Location = location } });
            }
        }
    }

    private async Task DiscoverBundlesAsync(RegistryClient registry, VerificationBudget budget, ImageReference repository, AttestationContext context, List<AttestationOutcome> outcomes)
    {
        var digest = context.Digest;
        var discovery = new BundleReferrerDiscovery(registry, _options, budget);
        foreach (var found in await discovery.FindAsync(repository, digest).ConfigureAwait(false))
        {
            var (bundle, unreadable) = found.BundleLayer is null ? (null, found) : await discovery.FetchAsync(repository, found).ConfigureAwait(false);
            if (bundle is null)
            {
                outcomes.Add(Unreadable(SignatureKinds.BundleKeyless, digest, unreadable!.Location, unreadable.UnreadableReason!, unreadable.UnreadableDetail!));
                continue;
            }

            if (VerifyBundle(bundle, context) is { } outcome)
            {
                outcomes.Add(outcome with { Verification = outcome.Verification with { Location = found.Location } });
            }
        }
    }

    private CheckResult? CheckTlog(
        SignatureLayer layer, RekorBundle? rekor, string rekorError, Func<TrustedMaterial> trust, byte[] signature, byte[]? certificateDer, byte[]? publicKeySpki, DsseEnvelope envelope, bool requireTlog)
    {
        if (!requireTlog)
        {
            // As cosign's --insecure-ignore-tlog: the proof is neither required nor checked.
            return null;
        }

        if (layer.Bundle is null)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogMissing, "no transparency-log proof (dev.sigstore.cosign/bundle annotation) and the rule requires one");
        }

        if (rekor is null)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, rekorError);
        }

        byte[] logId;
        try
        {
            logId = Convert.FromHexString(rekor.LogId);
        }
        catch (FormatException)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, "the bundle's logID is not hex or its body is not base64");
        }

        if (!rekor.TryRentDecodedBody(out var body, out var bodyLength))
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, "the bundle's logID is not hex or its body is not base64");
        }

        try
        {
            if (bodyLength > MaxLogBodyBytes)
            {
                return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, "the bundle's entry body is too large");
            }

            var set = SignedEntryTimestampVerifier.Verify(rekor.Body.Span, rekor.IntegratedTime, logId, rekor.LogIndex, rekor.SignedEntryTimestamp, trust());
            if (!set.Passed)
            {
                return set;
            }

            var future = IntegratedTimeCheck.Verify(rekor.IntegratedAt, _timeProvider.GetUtcNow());
            if (!future.Passed)
            {
                return future;
            }

            var match = LogEntryBodyMatcher.Verify(body.AsMemory(0, bodyLength), new ExpectedLogContent(signature, certificateDer, publicKeySpki, null, envelope));
            return match.Passed ? CheckResult.Pass(ClassicSteps.Tlog, $"{set.Detail}; {match.Detail}") : match;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private static InTotoStatement? ReadStatement(DsseEnvelope envelope, string kind, AttestationContext context, out AttestationOutcome? failure)
    {
        failure = null;
        if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
        {
            // Not an in-toto statement, so not an attestation of any predicate type.
            return null;
        }

        InTotoStatement statement;
        try
        {
            // Read before verification only to select by predicate type; nothing of it is trusted until the signature verified.
            statement = InTotoStatement.Parse(envelope.Payload);
        }
        catch (FormatException e)
        {
            failure = Failed(kind, context.Digest, CheckResult.Fail(AttestationStatementChecks.Step, AttestationReasons.StatementMalformed, e.Message), null);
            return null;
        }

        return string.Equals(statement.PredicateType, context.Requirement.PredicateType, StringComparison.Ordinal) ? statement : null;
    }

    private static byte[]? FindSignature(DsseEnvelope envelope, VerificationKey key, byte[] pae)
    {
        foreach (var signature in envelope.Signatures)
        {
            if (key.VerifyMessage(pae, signature.Signature))
            {
                return signature.Signature;
            }
        }

        return null;
    }

    private static CheckResult SignatureCheck(byte[]? signature) => signature is not null
        ? CheckResult.Pass(ClassicSteps.Signature, "DSSE")
        : CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "no DSSE signature verifies over the PAE with this key");

    private static bool Add(List<CheckResult> checks, CheckResult check)
    {
        checks.Add(check);
        return check.Passed;
    }

    private static SignatureVerification Better(SignatureVerification? best, SignatureVerification candidate)
    {
        if (best is null || (candidate.Verified && !best.Verified)
            || (!best.Verified && candidate.Checks.Count(check => check.Passed) > best.Checks.Count(check => check.Passed)))
        {
            return candidate;
        }

        return best;
    }

    private static AttestationOutcome Finish(string kind, AttestationContext context, SignatureVerification? best, string predicateType, DsseEnvelope envelope)
    {
        if (best is null)
        {
            var detail = kind is SignatureKinds.ClassicKeyless or SignatureKinds.BundleKeyless ? "no keyless authority in the requirement" : "no key authority in the requirement";
            return Failed(kind, context.Digest, CheckResult.Fail("authority", "NO_MATCHING_AUTHORITY", detail), predicateType);
        }

        return new AttestationOutcome(best, predicateType, best.Verified ? Encoding.UTF8.GetString(envelope.Payload) : null);
    }

    private static AttestationOutcome Failed(string kind, Digest digest, CheckResult check, string? predicateType)
        => new(new SignatureVerification(kind, false, check.ReasonCode, null, null, null, null, null, null, [check]) { Subject = digest }, predicateType, null);

    private static AttestationOutcome Unreadable(string kind, Digest digest, string location, string reason, string detail)
    {
        var outcome = Failed(kind, digest, CheckResult.Fail("fetch", reason, detail), null);
        return outcome with { Verification = outcome.Verification with { Location = location } };
    }
}
