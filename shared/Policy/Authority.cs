using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>Someone whose signature counts towards a rule's threshold. Distinct authorities are counted, never repeated signatures.</summary>
/// <param name="Name">A unique name within the rule.</param>
internal abstract record Authority(string Name);

/// <summary>A public key, given inline as PEM or as a Cloud KMS key version (<c>gcpkms://…</c>).</summary>
/// <param name="Name">A unique name within the rule.</param>
/// <param name="PublicKeyPem">The PEM public key, or null for a KMS key.</param>
/// <param name="KmsKeyUri">The <c>gcpkms://…</c> key version, or null for a PEM key.</param>
/// <param name="Trust">
/// Transparency-log trust material for key-based signatures (the Rekor public key and/or a <c>trusted_root.json</c>);
/// null means the Sigstore public-good root shipped with the code.
/// </param>
internal sealed record KeyAuthority(string Name, string? PublicKeyPem, string? KmsKeyUri, TrustMaterialSource? Trust = null) : Authority(Name);

/// <summary>A keyless (Fulcio) signer: identity and issuer matchers plus the trust material to check them against.</summary>
internal sealed record KeylessAuthority(string Name, StringMatcher Identity, StringMatcher Issuer, TrustMaterialSource Trust) : Authority(Name);
