using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>A keyless signer: a Fulcio-style certificate from a trusted CA whose SAN and OIDC issuer match <paramref name="Identity"/>.</summary>
/// <param name="Name">The authority's name.</param>
/// <param name="Identity">The identity and issuer matchers.</param>
/// <param name="TrustedMaterial">Loads the trust material (CAs, Rekor and CT logs, TSAs).</param>
internal sealed record IdentitySigner(string Name, CertificateIdentity Identity, Func<TrustedMaterial> TrustedMaterial) : Signer(Name, TrustedMaterial);
