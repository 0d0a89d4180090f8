using ImageTrust.Model;

namespace ImageTrust.Verification;

/// <summary>The verdict on an image's attestations of one predicate type: verified only when at least one verified and met the requirement.</summary>
/// <param name="Image">The image, pinned to its digest when it was resolved.</param>
/// <param name="Verified">Whether at least one attestation verified and met the requirement.</param>
/// <param name="Attestations">Every attestation of the type considered, passing or not.</param>
/// <param name="Reasons">Reason codes; empty only when verified.</param>
internal sealed record AttestationVerdict(ImageReference Image, bool Verified, IReadOnlyList<AttestationOutcome> Attestations, IReadOnlyList<string> Reasons)
{
    /// <summary>Explanations of reasons that no attestation carries (a spent budget, an unsupported digest). Never null.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}
