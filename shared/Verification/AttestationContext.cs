using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>What one attestation verification checks against.</summary>
/// <param name="Digest">The image digest the statement's subject must carry.</param>
/// <param name="Authorities">The requirement's resolved authorities.</param>
/// <param name="Requirement">The predicate type and conditions.</param>
/// <param name="RequireTlog">A transparency-log proof is required.</param>
/// <param name="RequireSct">An SCT is required on keyless certificates.</param>
internal sealed record AttestationContext(Digest Digest, IReadOnlyList<Signer> Authorities, AttestationRequirement Requirement, bool RequireTlog, bool RequireSct);
