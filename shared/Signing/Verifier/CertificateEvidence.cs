namespace ImageTrust.Signing.Verifier;

/// <summary>What the keyless certificate checks found.</summary>
/// <param name="Checks">The checks in order (chain, EKU, SCT, identity, issuer); at least one.</param>
/// <param name="Identity">The SAN that matched, or the first SAN when none matched; null when the leaf has none.</param>
/// <param name="Issuer">The OIDC issuer extension's value, or null when absent.</param>
internal sealed record CertificateEvidence(IReadOnlyList<CheckResult> Checks, string? Identity, string? Issuer);
