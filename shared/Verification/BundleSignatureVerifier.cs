using ImageTrust.Model;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// Verifies one Sigstore bundle found for an image (a referrer or the <c>sha256-…</c> fallback tag) against a rule's
/// authorities: the bundle's signature and proofs, the cosign <c>sign/v1</c> predicate and the subject digest.
/// Implemented over the Sigstore bundle verifier; tests substitute a fake.
/// </summary>
internal abstract class BundleSignatureVerifier
{
    /// <summary>Verifies <paramref name="bundleJson"/>; never throws for a bad bundle (it is a failed outcome).</summary>
    /// <param name="bundleJson">The bundle layer's bytes.</param>
    /// <param name="subject">The image digest the bundle must sign.</param>
    /// <param name="authorities">The rule's resolved authorities.</param>
    /// <param name="requireTlog">A transparency-log proof is required.</param>
    /// <param name="requireSct">An SCT is required on keyless certificates.</param>
    public abstract SignatureOutcome Verify(ReadOnlyMemory<byte> bundleJson, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct);
}
