using ImageTrust.Model;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>What was verified for one image: the verdict, each signature considered, and the reasons for the verdict.</summary>
/// <param name="Image">The image, always with its digest.</param>
/// <param name="Verified">True only when the rule's threshold of distinct authorities is met and every required check passed.</param>
/// <param name="Signatures">Every signature considered, passing or not.</param>
/// <param name="Reasons">Reason codes for the verdict, e.g. <c>NO_SIGNATURES</c>, <c>THRESHOLD_NOT_MET</c>; empty only when verified.</param>
/// <param name="SatisfiedAuthorities">Names of the distinct authorities whose signatures verified.</param>
internal sealed record ImageVerificationResult(
    ImageReference Image,
    bool Verified,
    IReadOnlyList<SignatureVerification> Signatures,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> SatisfiedAuthorities)
{
    /// <summary>
    /// Human explanations of the reasons, e.g. <c>no signatures found at host/repo:sha256-….sig</c>; empty when verified.
    /// Never null.
    /// </summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    /// <summary>
    /// What the verified signatures passed with but cosign users should know, e.g. <c>IDENTITY_MISMATCH</c> (the signed
    /// docker-reference names another repository); one entry per distinct code and detail. Never null.
    /// </summary>
    public IReadOnlyList<CheckResult> Warnings { get; init; } = [];
}
