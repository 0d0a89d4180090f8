using ImageTrust.Model;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Cli;

/// <summary>The attestations found for one predicate type: verified only when at least one statement verified and met the conditions.</summary>
/// <param name="Image">The image, with its digest.</param>
/// <param name="Verified">Whether a statement of the type verified.</param>
/// <param name="Attestations">Every attestation considered, passing or not.</param>
/// <param name="Reasons">Reason codes for the verdict; empty only when verified.</param>
internal sealed record AttestationVerificationResult(
    ImageReference Image, bool Verified, IReadOnlyList<VerifiedAttestation> Attestations, IReadOnlyList<string> Reasons)
{
    /// <summary>Explanations of reasons no attestation carries (a spent verification budget, an unsupported digest). Never null.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}

/// <summary>One attestation: its signature's verification and, when it verified, the in-toto statement (raw JSON).</summary>
/// <param name="Signature">The signature verification (kind, signer, tlog, verdict).</param>
/// <param name="PredicateType">The statement's predicate type, or null when it could not be read.</param>
/// <param name="StatementJson">The verified statement as JSON, or null when the signature did not verify.</param>
internal sealed record VerifiedAttestation(SignatureVerification Signature, string? PredicateType, string? StatementJson);
