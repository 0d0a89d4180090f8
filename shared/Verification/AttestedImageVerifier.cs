using ImageTrust.Policy;
using ImageTrust.Model;

namespace ImageTrust.Verification;

/// <summary>
/// Applies a rule's attestation requirements on top of its signature requirements: an image whose signatures verify is still
/// not verified until every <see cref="PolicyRule.Attestations"/> entry has a verified attestation meeting its conditions.
/// The signature and attestation checks of one image share one budget and one deadline.
/// </summary>
internal sealed class AttestedImageVerifier : ImageVerifier
{
    /// <summary>The reason recorded when a required attestation is missing or fails.</summary>
    public const string AttestationRequirementNotMet = "ATTESTATION_REQUIREMENT_NOT_MET";

    private readonly SigstoreImageVerifier _signatures;
    private readonly SigstoreAttestationVerifier _attestations;

    /// <summary>Wraps the signature verifier with the attestation engine.</summary>
    public AttestedImageVerifier(SigstoreImageVerifier signatures, SigstoreAttestationVerifier attestations)
    {
        _signatures = signatures;
        _attestations = attestations;
    }

    /// <inheritdoc />
    public override async Task<ImageVerificationResult> VerifyAsync(ImageReference image, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        using var budget = _signatures.CreateBudget(cancellationToken);
        var result = await _signatures.VerifyAsync(image, rule, budget).ConfigureAwait(false);
        if (!result.Verified || rule.Attestations.Count == 0)
        {
            return result;
        }

        var reasons = new List<string>();
        var details = new List<string>();
        foreach (var requirement in rule.Attestations)
        {
            var verdict = await _attestations.VerifyAsync(result.Image, requirement, rule, budget).ConfigureAwait(false);
            if (!verdict.Verified)
            {
                reasons.Add(AttestationRequirementNotMet);
                reasons.AddRange(verdict.Reasons);
                details.Add($"required attestation {requirement.PredicateType} not verified: {string.Join(", ", verdict.Reasons)}");
                details.AddRange(verdict.Details);
            }
        }

        return reasons.Count == 0
            ? result
            : result with { Verified = false, Reasons = [.. result.Reasons, .. reasons.Distinct()], Details = [.. result.Details, .. details] };
    }
}
