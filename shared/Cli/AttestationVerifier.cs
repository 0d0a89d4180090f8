using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Cli;

/// <summary>
/// Finds and verifies an image's attestations of one predicate type (<c>.att</c> DSSE layers and Sigstore bundle referrers),
/// returning the verified in-toto statements. The CLI's seam over the verification engine.
/// </summary>
internal abstract class AttestationVerifier
{
    /// <summary>Verifies the attestations of <paramref name="requirement"/>'s predicate type, signed by its authorities.</summary>
    /// <exception cref="TransientFailureException">The registry or a key service is unavailable.</exception>
    /// <exception cref="ConfigurationException">The trust material can't be loaded.</exception>
    public abstract Task<AttestationVerificationResult> VerifyAsync(
        ImageReference image, AttestationRequirement requirement, PolicyRule rule, CancellationToken cancellationToken = default);
}
