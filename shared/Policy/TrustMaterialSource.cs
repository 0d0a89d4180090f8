namespace ImageTrust.Policy;

/// <summary>
/// Where keyless trust material comes from: PEM files as cosign's flags take them, and/or a Sigstore <c>trusted_root.json</c>.
/// Paths are resolved relative to the policy file. All null means the Sigstore public-good root shipped with the code.
/// </summary>
internal sealed record TrustMaterialSource(
    string? CaRootsPath,
    string? CaIntermediatesPath,
    string? RekorPublicKeyPath,
    string? CtLogPublicKeyPath,
    string? TrustedRootPath);
