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
    private readonly RegistryClient _registry;
    private readonly AuthorityResolver _authorities;
    private readonly ClassicSignatureVerifier _classic;
    private readonly BundleSignatureVerifier? _bundles;
    private readonly ImageVerifierOptions _options;
    private readonly ILogger<SigstoreImageVerifier> _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the engine.</summary>
    /// <param name="registry">The registry client.</param>
    /// <param name="authorities">Resolves keys (PEM, KMS).</param>
    /// <param name="classic">Verifies classic layers.</param>
    /// <param name="bundles">Verifies Sigstore bundles; null to ignore bundles (a rule accepting only bundles then never passes).</param>
    /// <param name="options">Engine options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock of the verification deadline; null for the system clock.</param>
    /// <exception cref="ConfigurationException">The options' limits are out of range.</exception>
    public SigstoreImageVerifier(
        RegistryClient registry,
        AuthorityResolver authorities,
        ClassicSignatureVerifier classic,
        BundleSignatureVerifier? bundles,
        ImageVerifierOptions options,
        ILogger<SigstoreImageVerifier> logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Limits.Validate();
        _registry = registry;
        _authorities = authorities;
        _classic = classic;
        _bundles = bundles;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Creates the engine with its real collaborators: trust material loaded and cached per <see cref="TrustMaterialSource"/>,
    /// classic checks over it, the Sigstore bundle verifier, and Cloud KMS keys when <paramref name="kms"/> is given.
    /// </summary>
    /// <param name="registry">The registry client.</param>
    /// <param name="timeProvider">The clock (used only when no log time exists).</param>
    /// <param name="logger">The logger; null for none.</param>
    /// <param name="kms">The Cloud KMS client for <c>gcpkms://</c> keys, or null.</param>
    /// <param name="options">Engine options, or null for the defaults.</param>
    public static SigstoreImageVerifier Create(
        RegistryClient registry,
        TimeProvider timeProvider,
        ILogger<SigstoreImageVerifier>? logger = null,
        CloudKmsPublicKeySource? kms = null,
        ImageVerifierOptions? options = null)
    {
        return new SigstoreImageVerifier(
            registry,
            new AuthorityResolver(kms),
            new ClassicSignatureVerifier(new TrustedMaterialEvidenceVerifier(timeProvider), timeProvider),
            new SigstoreBundleSignatureVerifier(timeProvider),
            options ?? new ImageVerifierOptions(),
            logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<SigstoreImageVerifier>.Instance,
            timeProvider);
    }

    /// <summary>A fresh budget for one verification under this engine's limits, cancelled by <paramref name="cancellationToken"/> too.</summary>
    public VerificationBudget CreateBudget(CancellationToken cancellationToken) => new(_options.Limits, _timeProvider, cancellationToken);

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
        var registry = new BudgetedRegistryClient(_registry, budget);
        var cancellationToken = budget.Token;
        var authorities = await _authorities.ResolveAsync(rule, cancellationToken).ConfigureAwait(false);

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

        var signatureRepository = _options.SignatureRepository ?? image;
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
        SignatureManifest signatureManifest;
        try
        {
            var manifest = await registry.GetManifestAsync(sigReference, budget.Token).ConfigureAwait(false);
            signatureManifest = SignatureManifest.Parse(manifest.Content);
        }
        catch (RegistryNotFoundException)
        {
            return;
        }
        catch (RegistryProtocolException e)
        {
            outcomes.Add(Unreadable(SignatureKinds.ClassicKey, digest, sigReference.ToString(), e.ReasonCode, e.Message));
            return;
        }
        catch (FormatException e)
        {
            outcomes.Add(Unreadable(SignatureKinds.ClassicKey, digest, sigReference.ToString(), VerificationReasons.SignatureManifestInvalid, e.Message));
            return;
        }

        // Every listed layer counts, before any payload is fetched: a manifest of a thousand copies is refused at once.
        budget.ChargeSignatures(signatureManifest.Layers.Count, sigReference);
        var expectations = new ClassicExpectations(digest, rule.RequireTlog, rule.RequireSct)
        {
            Repository = image.RepositoryName,
            RequireDockerReference = rule.RequireDockerReference,
        };
        foreach (var layer in signatureManifest.Layers)
        {
            var location = $"{sigReference} layer {layer.Index}";
            var kind = layer.Certificate is null ? SignatureKinds.ClassicKey : SignatureKinds.ClassicKeyless;
            byte[] payload;
            try
            {
                // Layers sharing a payload (several signers of one image) cost one fetch: the budget caches it by digest.
                payload = await registry.GetBlobAsync(sigReference, layer.PayloadDigest, _options.MaxSignatureBlobBytes, budget.Token).ConfigureAwait(false);
            }
            catch (RegistryNotFoundException e)
            {
                outcomes.Add(Unreadable(kind, digest, location, "PAYLOAD_NOT_FOUND", e.Message));
                continue;
            }
            catch (RegistryProtocolException e)
            {
                outcomes.Add(Unreadable(kind, digest, location, e.ReasonCode, e.Message));
                continue;
            }

            var outcome = _classic.Verify(layer, payload, authorities, expectations);
            outcomes.Add(outcome with { Verification = outcome.Verification with { Location = location } });
        }
    }

    private async Task DiscoverBundlesAsync(RegistryClient registry, VerificationBudget budget, ImageReference repository, Digest digest, PolicyRule rule, IReadOnlyList<Signer> authorities, List<SignatureOutcome> outcomes)
    {
        var discovery = new BundleReferrerDiscovery(registry, _options, budget);
        foreach (var found in await discovery.FindAsync(repository, digest).ConfigureAwait(false))
        {
            if (found.BundleLayer is null)
            {
                outcomes.Add(Unreadable(SignatureKinds.BundleKeyless, digest, found.Location, found.UnreadableReason!, found.UnreadableDetail!));
                continue;
            }

            if (_bundles is null)
            {
                outcomes.Add(Unreadable(SignatureKinds.BundleKeyless, digest, found.Location, "BUNDLES_UNSUPPORTED", "this verifier is not configured to verify Sigstore bundles"));
                continue;
            }

            var (bundle, unreadable) = await discovery.FetchAsync(repository, found).ConfigureAwait(false);
            if (bundle is null)
            {
                outcomes.Add(Unreadable(SignatureKinds.BundleKeyless, digest, unreadable!.Location, unreadable.UnreadableReason!, unreadable.UnreadableDetail!));
                continue;
            }

            var outcome = _bundles.Verify(bundle, digest, authorities, rule.RequireTlog, rule.RequireSct);
            outcomes.Add(outcome with { Verification = outcome.Verification with { Location = found.Location, Subject = digest } });
        }
    }

    private static SignatureOutcome Unreadable(string kind, Digest digest, string location, string reason, string detail)
        => new(
            new SignatureVerification(kind, false, reason, null, null, null, null, null, null, [CheckResult.Fail("fetch", reason, detail)])
            {
                Subject = digest,
                Location = location,
            },
            [],
            null);

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
