using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>A signer known by a public key (PEM or Cloud KMS): its signatures carry no certificate.</summary>
/// <param name="Name">The authority's name.</param>
/// <param name="Key">The public key.</param>
/// <param name="TrustedMaterial">Loads the trust material for transparency-log proofs.</param>
internal sealed record KeySigner(string Name, VerificationKey Key, Func<TrustedMaterial> TrustedMaterial) : Signer(Name, TrustedMaterial);
