using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>The outcome of verifying a keyless (Fulcio) signing certificate.</summary>
/// <param name="Checks">Chain (one per signing time), usage, SCT (unless bypassed) and identity results, in order.</param>
/// <param name="Identity">The certificate's SANs and issuer, or null when unreadable.</param>
/// <param name="MatchedSubjectAlternativeName">The SAN that matched the policy, or null.</param>
/// <param name="SigningKey">The certificate's public key (to verify the signature with), or null when unsupported.</param>
internal sealed record KeylessCertificateVerification(
    IReadOnlyList<CheckResult> Checks,
    FulcioIdentity? Identity,
    string? MatchedSubjectAlternativeName,
    VerificationKey? SigningKey)
{
    /// <summary>True only when at least one check ran and all passed.</summary>
    public bool Passed => CheckResults.AllPassed(Checks);
}
