using System.Text;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Dsse;
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
    private readonly VerificationSteps _steps;
    private readonly ILogger<SigstoreAttestationVerifier> _logger;

    /// <summary>Creates the engine.</summary>
    /// <param name="steps">The registry, authorities, entity verifier, options and clock.</param>
    /// <param name="logger">The logger.</param>
    public SigstoreAttestationVerifier(VerificationSteps steps, ILogger<SigstoreAttestationVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps;
        _logger = logger;
    }

    /// <summary>Creates the engine with its real collaborators (see <see cref="VerificationSteps.Create"/>).</summary>
    /// <exception cref="ConfigurationException">The options' limits are out of range.</exception>
    public static SigstoreAttestationVerifier Create(
        RegistryClient registry,
        TimeProvider timeProvider,
        ILogger<SigstoreAttestationVerifier>? logger = null,
        CloudKmsPublicKeySource? kms = null,
        ImageVerifierOptions? options = null)
        => new(VerificationSteps.Create(registry, timeProvider, kms, options), logger ?? NullLogger<SigstoreAttestationVerifier>.Instance);

    /// <summary>Finds and verifies the attestations of <paramref name="requirement"/>'s predicate type.</summary>
    /// <param name="image">The image; its digest is resolved when absent.</param>
    /// <param name="requirement">The predicate type, its authorities (the rule's when empty) and conditions.</param>
    /// <param name="rule">The rule: formats accepted, tlog and SCT requirements.</param>
    /// <param name="cancellationToken">Cancels the registry calls.</param>
    /// <exception cref="ConfigurationException">No authority, or a key can't be used.</exception>
    /// <exception cref="TransientFailureException">The registry or Cloud KMS is unavailable.</exception>
    public async Task<AttestationVerdict> VerifyAsync(ImageReference image, AttestationRequirement requirement, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        using var budget = _steps.CreateBudget(cancellationToken);
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
        var registry = new BudgetedRegistryClient(_steps.Registry, budget);
        var cancellationToken = budget.Token;
        var signers = requirement.Authorities.Count > 0 ? rule with { Authorities = requirement.Authorities } : rule;
        var authorities = await _steps.Authorities.ResolveAsync(signers, cancellationToken).ConfigureAwait(false);

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

        var repository = _steps.Options.SignatureRepository ?? pinned;
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
    /// Verifies one classic <c>.att</c> layer's DSSE envelope with the engine's classic step sequence and this requirement as
    /// its statement policy; null when it is an attestation of another predicate type. Never throws for bad input.
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

        var expectations = new ClassicExpectations(context.Digest, context.RequireTlog, context.RequireSct);
        var outcome = _steps.Entities.VerifyAttestationLayer(layer, envelope, statement, new AttestationStatementPolicy(statement, context.Digest, context.Requirement), context.Authorities, expectations);
        return Finish(outcome, statement, envelope);
    }

    /// <summary>
    /// Verifies one Sigstore bundle with the engine's bundle steps and this requirement as its statement policy; null when it
    /// is not a DSSE attestation of the requested predicate type. Never throws for bad input.
    /// </summary>
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

        var kind = bundle.Certificate is not null ? SignatureKinds.BundleKeyless : SignatureKinds.BundleKey;
        var statement = ReadStatement(envelope, kind, context, out var failure);
        if (statement is null)
        {
            return failure;
        }

        var policy = new AttestationStatementPolicy(statement, context.Digest, context.Requirement);
        var outcome = _steps.Entities.VerifyBundle(bundle, context.Digest, context.Authorities, context.RequireTlog, context.RequireSct, policy, "requirement");
        return Finish(outcome, statement, envelope);
    }

    private async Task DiscoverClassicAsync(RegistryClient registry, VerificationBudget budget, ImageReference repository, AttestationContext context, List<AttestationOutcome> outcomes)
    {
        var attReference = repository.WithTag(context.Digest.ToTagPrefix() + CosignMediaTypes.AttestationTagSuffix);
        var discovery = new ClassicLayerDiscovery(registry, _steps.Options, budget);
        await foreach (var found in discovery.FindAsync(attReference, context.Digest, CosignMediaTypes.DsseEnvelope).ConfigureAwait(false))
        {
            if (found.Unreadable is { } unreadable)
            {
                outcomes.Add(new AttestationOutcome(unreadable.Verification, null, null));
            }
            else if (VerifyClassicLayer(found.Layer!, found.Content!, context) is { } outcome)
            {
                outcomes.Add(outcome with { Verification = outcome.Verification with { Location = found.Location } });
            }
        }
    }

    private async Task DiscoverBundlesAsync(RegistryClient registry, VerificationBudget budget, ImageReference repository, AttestationContext context, List<AttestationOutcome> outcomes)
    {
        var digest = context.Digest;
        var discovery = new BundleReferrerDiscovery(registry, _steps.Options, budget);
        foreach (var found in await discovery.FindAsync(repository, digest).ConfigureAwait(false))
        {
            var (bundle, unreadable) = found.BundleLayer is null ? (null, found) : await discovery.FetchAsync(repository, found).ConfigureAwait(false);
            if (bundle is null)
            {
                var outcome = SignatureOutcome.Unreadable(SignatureKinds.BundleKeyless, digest, unreadable!.Location, unreadable.UnreadableReason!, unreadable.UnreadableDetail!);
                outcomes.Add(new AttestationOutcome(outcome.Verification, null, null));
                continue;
            }

            if (VerifyBundle(bundle, context) is { } verified)
            {
                outcomes.Add(verified with { Verification = verified.Verification with { Location = found.Location } });
            }
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

    private static AttestationOutcome Finish(SignatureOutcome outcome, InTotoStatement statement, DsseEnvelope envelope)
        => new(outcome.Verification, statement.PredicateType, outcome.Verification.Verified ? Encoding.UTF8.GetString(envelope.Payload) : null);

    private static AttestationOutcome Failed(string kind, Digest digest, CheckResult check, string? predicateType)
        => new(new SignatureVerification(kind, false, check.ReasonCode, null, null, null, null, null, null, [check]) { Subject = digest }, predicateType, null);
}
