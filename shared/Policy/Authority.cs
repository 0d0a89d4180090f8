namespace ImageTrust.Policy;

/// <summary>Someone whose signature counts towards a rule's threshold. Distinct authorities are counted, never repeated signatures.</summary>
/// <param name="Name">A unique name within the rule.</param>
internal abstract record Authority(string Name);

/// <summary>A public key, given inline as PEM or as a Cloud KMS key version (<c>gcpkms://…</c>).</summary>
internal sealed record KeyAuthority(string Name, string? PublicKeyPem, string? KmsKeyUri) : Authority(Name);

/// <summary>A keyless (Fulcio) signer: identity and issuer matchers plus the trust material to check them against.</summary>
internal sealed record KeylessAuthority(string Name, StringMatcher Identity, StringMatcher Issuer, TrustMaterialSource Trust) : Authority(Name);
