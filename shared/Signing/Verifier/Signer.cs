using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Someone whose signature a verification accepts, as the signing steps need them: a policy authority resolved into a key or
/// an identity, with the trust material its proofs are checked against. The caller resolves policy authorities into signers
/// before anything reaches the signing steps.
/// </summary>
/// <param name="Name">The authority's name, reported when its signature verifies.</param>
/// <param name="TrustedMaterial">
/// Loads the trust material (Rekor and CT logs, CAs, TSAs); called only when a proof is checked, so a signer whose material
/// can't be loaded fails only the verifications that need it (with the loader's <see cref="Model.ConfigurationException"/>).
/// </param>
internal abstract record Signer(string Name, Func<TrustedMaterial> TrustedMaterial);
