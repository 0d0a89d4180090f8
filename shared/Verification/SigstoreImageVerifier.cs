using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Verifier;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Verification;

/// <summary>
/// The verification engine: resolves the digest, discovers classic <c>sha256-…sig</c> signatures and Sigstore bundles
/// (OCI referrers, else the <c>sha256-…</c> tag), verifies each against the rule's authorities, and applies the threshold
/// over distinct authorities to the image, or to every platform manifest of an index as the rule asks.
/// With the digest known and a classic signature present, a verification costs one manifest and one blob request per
/// distinct payload; bundles are only looked up when classic signatures don't already meet the threshold.
/// Every verification runs within a <see cref="VerificationBudget"/> (registry calls, bytes, signature layers, one deadline);
/// spending it is a verdict (<c>TOO_MANY_SIGNATURES</c>, <c>VERIFICATION_BUDGET_EXCEEDED</c>, <c>VERIFICATION_TIMEOUT</c>).
/// </summary>
internal sealed class SigstoreImageVerifier : ImageVerifier
{
    private readonly VerificationSteps _steps;
    private readonly ILogger<SigstoreImageVerifier> _logger;

    /// <summary>Creates the engine.</summary>
    /// <param name="steps">The registry, authorities, entity verifier, options and clock.</param>
    /// <param name="logger">The logger.</param>
    public SigstoreImageVerifier(VerificationSteps steps, ILogger<SigstoreImageVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps;
        _logger = logger;
    }

    /// <summary>
    /// Creates the engine with its real collaborators (see <see cref="VerificationSteps.Create"/>): trust material loaded and
    /// cached per <see cref="TrustMaterialSource"/>, one signed-entity verifier for classic layers and bundles, and Cloud KMS
    /// keys when <paramref name="kms"/> is given.
    /// </summary>
    /// <param name="registry">The registry client.</param>
    /// <param name="timeProvider">The clock (used only when no log time exists).</param>
    /// <param name="logger">The logger; null for none.</param>
    /// <param name="kms">The Cloud KMS client for <c>gcpkms://</c> keys, or null.</param>
    /// <param name="options">Engine options, or null for the defaults.</param>
    /// <exception cref="ConfigurationException">The options' limits are out of range.</exception>
    public static SigstoreImageVerifier Create(
        RegistryClient registry,
        TimeProvider timeProvider,
        ILogger<SigstoreImageVerifier>? logger = null,
        CloudKmsPublicKeySource? kms = null,
        ImageVerifierOptions? options = null)
        => new(VerificationSteps.Create(registry, timeProvider, kms, options), logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<SigstoreImageVerifier>.Instance);

    /// <summary>A fresh budget for one verification under this engine's limits, cancelled by <paramref name="cancellationToken"/> too.</summary>
    public VerificationBudget CreateBudget(CancellationToken cancellationToken) => _steps.CreateBudget(cancellationToken);

    /// <inheritdoc />
    public override async Task<ImageVerificationResult> VerifyAsync(ImageReference image, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rule);
        using var budget = CreateBudget(cancellationToken);
        return await VerifyAsync(image, rule, budget).ConfigureAwait(false);
    }

    /// <summary>Verifies <paramref name="image"/> within <paramref name="budget"/> (shared with the attestation checks that follow).</summary>
    /// <exception cref="TransientFailureException">The registry or a key service is unavailable.</exception>
    /// <exception cref="ConfigurationException">The rule's trust material can't be loaded.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<ImageVerificationResult> VerifyAsync(ImageReference image, PolicyRule rule, VerificationBudget budget)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(budget);
        var reported = image;
        try
        {
            return await VerifyWithinAsync(image, rule, budget, pinned => reported = pinned).ConfigureAwait(false);
        }
        catch (VerificationBudgetExceededException e)
        {
            _logger.LogWarning("Verification of {Image} stopped: {Reason} ({Detail})", reported.ToString(), e.ReasonCode, e.Message);
            return Failed(reported, e.ReasonCode, $"{reported}: {e.Message}");
        }
        catch (OperationCanceledException) when (budget.TimedOut)
        {
            var detail = VerificationReasons.TimeoutDetail(budget.Limits.Timeout);
            _logger.LogWarning("Verification of {Image} stopped: {Reason} ({Detail})", reported.ToString(), VerificationReasons.VerificationTimeout, detail);
            return Failed(reported, VerificationReasons.VerificationTimeout, $"{reported}: {detail}");
        }
    }

    private async Task<ImageVerificationResult> VerifyWithinAsync(ImageReference image, PolicyRule rule, VerificationBudget budget, Action<ImageReference> pin)
    {
        var registry = new BudgetedRegistryClient(_steps.Registry, budget);
        var cancellationToken = budget.Token;
        var authorities = await _steps.Authorities.ResolveAsync(rule, cancellationToken).ConfigureAwait(false);

        Manifest? manifest = null;
        Digest digest;
        try
        {
            if (image.Digest is null || rule.MultiArch != MultiArchRequirement.Index)
            {
                manifest = await registry.GetManifestAsync(image, cancellationToken).ConfigureAwait(false);
            }

            digest = image.Digest ?? manifest!.Digest;
        }
        catch (RegistryNotFoundException e)
        {
            return Failed(image, VerificationReasons.ImageNotFound, $"image not found: {e.What}");
        }
        catch (RegistryProtocolException e)
        {
            return Failed(image, e.ReasonCode, $"{image}: {e.Message}");
        }

        var pinned = image.WithDigest(digest);
        pin(pinned);
        var targets = new List<(Digest Digest, string Role)> { (digest, "image") };
        if (manifest is not null && rule.MultiArch != MultiArchRequirement.Index)
        {
            ManifestDocument document;
            try
            {
                document = ManifestDocument.Parse(manifest);
            }
            catch (FormatException e)
            {
                return Failed(pinned, VerificationReasons.ImageManifestInvalid, $"{pinned}: {e.Message}");
            }

            if (document.IsIndex)
            {
                targets.Clear();
                if (rule.MultiArch == MultiArchRequirement.IndexAndEveryPlatform)
                {
                    targets.Add((digest, "index"));
                }

                targets.AddRange(document.Manifests.Select(entry => (entry.Digest, $"platform {entry.Platform ?? entry.Digest.ToString()}")));
                if (targets.Count == 0)
                {
                    return Failed(pinned, VerificationReasons.ImageManifestInvalid, $"{pinned}: the index lists no platform manifests");
                }
            }
        }

        var signatures = new List<SignatureVerification>();
        var reasons = new List<string>();
        var details = new List<string>();
        IReadOnlyList<string>? satisfied = null;
        var verified = true;
        foreach (var (target, role) in targets)
        {
            var verdict = await VerifyDigestAsync(registry, budget, pinned, target, rule, authorities).ConfigureAwait(false);
            signatures.AddRange(verdict.Signatures);
            satisfied = satisfied is null ? verdict.Authorities : [.. satisfied.Intersect(verdict.Authorities, StringComparer.Ordinal)];
            if (!verdict.Verified)
            {
                verified = false;
                if (targets.Count > 1)
                {
                    AddOnce(reasons, role == "index" ? VerificationReasons.IndexNotVerified : VerificationReasons.PlatformNotVerified);
                    details.Add($"{role} ({target}) is not verified");
                }

                foreach (var reason in verdict.Reasons)
                {
                    AddOnce(reasons, reason);
                }

                details.AddRange(verdict.Details);
            }
        }

        _logger.LogInformation(
            "Verified {Image} against rule {Rule}: {Verified} ({SignatureCount} signatures, authorities {Authorities}, reasons {Reasons}; {Requests} registry requests, {Bytes} bytes)",
            pinned.ToString(), rule.Name, verified, signatures.Count, string.Join(",", satisfied ?? []), string.Join(",", reasons), budget.Requests, budget.Bytes);
        return new ImageVerificationResult(pinned, verified, signatures, reasons, satisfied ?? [])
        {
            Details = details,
            Warnings = [.. signatures.Where(signature => signature.Verified).SelectMany(signature => signature.Warnings).Distinct()],
        };
    }

    private async Task<DigestVerdict> VerifyDigestAsync(RegistryClient registry, VerificationBudget budget, ImageReference image, Digest digest, PolicyRule rule, IReadOnlyList<Signer> authorities)
    {
        if (!VerificationReasons.IsSignable(digest))
        {
            return new DigestVerdict(false, [], [], [VerificationReasons.UnsupportedDigest], [VerificationReasons.UnsupportedDigestDetail(digest)]);
        }

        var signatureRepository = _steps.Options.SignatureRepository ?? image;
        var outcomes = new List<SignatureOutcome>();
        var searched = new List<string>();
        var threshold = Math.Max(1, rule.Threshold);

        if ((rule.Formats & SignatureFormats.Classic) != 0)
        {
            var sigReference = signatureRepository.WithTag(digest.ToTagPrefix() + CosignMediaTypes.SignatureTagSuffix);
            searched.Add(sigReference.ToString());
            await DiscoverClassicAsync(registry, budget, image, sigReference, digest, rule, authorities, outcomes).ConfigureAwait(false);
        }

        if ((rule.Formats & SignatureFormats.Bundle) != 0 && DistinctAuthorities.Match(outcomes).Count < threshold)
        {
            searched.Add($"{signatureRepository.RepositoryName} referrers of {digest} (or tag {digest.ToTagPrefix()})");
            await DiscoverBundlesAsync(registry, budget, signatureRepository, digest, rule, authorities, outcomes).ConfigureAwait(false);
        }

        var signatures = outcomes.Select(outcome => outcome.Verification).ToList();
        var matched = DistinctAuthorities.Match(outcomes);
        if (outcomes.Count == 0)
        {
            return new DigestVerdict(false, signatures, matched, [VerificationReasons.NoSignatures], [$"no signatures found at {string.Join(" or ", searched)}"]);
        }

        if (matched.Count >= threshold)
        {
            return new DigestVerdict(true, signatures, matched, [], []);
        }

        var reasons = new List<string>();
        var detail = $"{matched.Count} of {threshold} required distinct authorities verified for {digest}";
        if (matched.Count == 0)
        {
            reasons.Add(VerificationReasons.NoValidSignatures);
            foreach (var signature in signatures)
            {
                AddOnce(reasons, signature.Reason);
            }

            var failures = signatures.Select(signature => $"{signature.Location ?? signature.Kind}: {signature.Reason}{FirstFailureDetail(signature)}");
            return new DigestVerdict(false, signatures, matched, reasons, [detail, .. failures]);
        }

        reasons.Add(VerificationReasons.ThresholdNotMet);
        return new DigestVerdict(false, signatures, matched, reasons, [detail + $" ({string.Join(", ", matched)})"]);
    }

    private async Task DiscoverClassicAsync(
        RegistryClient registry, VerificationBudget budget, ImageReference image, ImageReference sigReference, Digest digest, PolicyRule rule, IReadOnlyList<Signer> authorities, List<SignatureOutcome> outcomes)
    {
        var expectations = new ClassicExpectations(digest, rule.RequireTlog, rule.RequireSct)
        {
            Repository = image.RepositoryName,
            RequireDockerReference = rule.RequireDockerReference,
        };
        var discovery = new ClassicLayerDiscovery(registry, _steps.Options, budget);
        await foreach (var found in discovery.FindAsync(sigReference, digest, CosignMediaTypes.SimpleSigning).ConfigureAwait(false))
        {
            if (found.Unreadable is { } unreadable)
            {
                outcomes.Add(unreadable);
                continue;
            }

            var outcome = _steps.Entities.VerifySignatureLayer(found.Layer!, found.Content!, authorities, expectations);
            outcomes.Add(outcome with { Verification = outcome.Verification with { Location = found.Location } });
        }
    }

    private async Task DiscoverBundlesAsync(RegistryClient registry, VerificationBudget budget, ImageReference repository, Digest digest, PolicyRule rule, IReadOnlyList<Signer> authorities, List<SignatureOutcome> outcomes)
    {
        var discovery = new BundleReferrerDiscovery(registry, _steps.Options, budget);
        foreach (var found in await discovery.FindAsync(repository, digest).ConfigureAwait(false))
        {
            if (found.BundleLayer is null)
            {
                outcomes.Add(SignatureOutcome.Unreadable(SignatureKinds.BundleKeyless, digest, found.Location, found.UnreadableReason!, found.UnreadableDetail!));
                continue;
            }

            var (bundle, unreadable) = await discovery.FetchAsync(repository, found).ConfigureAwait(false);
            if (bundle is null)
            {
                outcomes.Add(SignatureOutcome.Unreadable(SignatureKinds.BundleKeyless, digest, unreadable!.Location, unreadable.UnreadableReason!, unreadable.UnreadableDetail!));
                continue;
            }

            var outcome = _steps.Entities.VerifyBundle(bundle, digest, authorities, rule.RequireTlog, rule.RequireSct, StatementPolicy.ImageSignature);
            outcomes.Add(outcome with { Verification = outcome.Verification with { Location = found.Location, Subject = digest } });
        }
    }

    private static ImageVerificationResult Failed(ImageReference image, string reason, string detail)
        => new(image, false, [], [reason], []) { Details = [detail] };

    private static string FirstFailureDetail(SignatureVerification signature)
        => CheckResults.FirstFailure(signature.Checks) is { Detail.Length: > 0 } failure ? $" ({failure.Detail})" : string.Empty;

    private static void AddOnce(List<string> reasons, string reason)
    {
        if (!reasons.Contains(reason, StringComparer.Ordinal))
        {
            reasons.Add(reason);
        }
    }

    private sealed record DigestVerdict(bool Verified, IReadOnlyList<SignatureVerification> Signatures, IReadOnlyList<string> Authorities, IReadOnlyList<string> Reasons, IReadOnlyList<string> Details);
}
