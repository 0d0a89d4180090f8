using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Verification;

namespace ImageTrust.Cli;

/// <summary>The CLI's attestation seam over the library's <see cref="SigstoreAttestationVerifier"/>.</summary>
internal sealed class EngineAttestationVerifier : AttestationVerifier
{
    private readonly SigstoreAttestationVerifier _engine;

    /// <summary>Wraps <paramref name="engine"/>.</summary>
    public EngineAttestationVerifier(SigstoreAttestationVerifier engine)
    {
        _engine = engine;
    }

    /// <inheritdoc />
    public override async Task<AttestationVerificationResult> VerifyAsync(
        ImageReference image, AttestationRequirement requirement, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        var verdict = await _engine.VerifyAsync(image, requirement, rule, cancellationToken).ConfigureAwait(false);
        return new AttestationVerificationResult(
            verdict.Image,
            verdict.Verified,
            [.. verdict.Attestations.Select(attestation => new VerifiedAttestation(attestation.Verification, attestation.PredicateType, attestation.StatementJson))],
            verdict.Reasons)
        {
            Details = verdict.Details,
        };
    }
}
