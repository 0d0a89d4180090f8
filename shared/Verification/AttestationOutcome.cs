using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>One attestation of the requested predicate type: its signature verification and statement.</summary>
/// <param name="Verification">The signature and statement checks (kind, signer, tlog, each step).</param>
/// <param name="PredicateType">The statement's predicate type, or null when it could not be read.</param>
/// <param name="StatementJson">The statement JSON, only when everything verified; null otherwise.</param>
internal sealed record AttestationOutcome(SignatureVerification Verification, string? PredicateType, string? StatementJson);
