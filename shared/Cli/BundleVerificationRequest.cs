using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>A <c>verify-bundle</c> call (sigstore-conformance client protocol): a bundle file, who must have signed, and the artifact.</summary>
/// <param name="BundlePath">The Sigstore bundle JSON file.</param>
/// <param name="Identity">The expected certificate identity, or null for key-based.</param>
/// <param name="Issuer">The expected OIDC issuer, or null for key-based.</param>
/// <param name="KeyPath">The PEM public key file, or null for keyless.</param>
/// <param name="TrustedRootPath">A <c>trusted_root.json</c>, or null for the public-good root.</param>
/// <param name="ArtifactPath">The artifact file, or null when <paramref name="ArtifactDigest"/> is given.</param>
/// <param name="ArtifactDigest">The artifact's digest, or null when <paramref name="ArtifactPath"/> is given.</param>
internal sealed record BundleVerificationRequest(
    string BundlePath, string? Identity, string? Issuer, string? KeyPath, string? TrustedRootPath, string? ArtifactPath, Digest? ArtifactDigest);

/// <summary>The verdict of a <c>verify-bundle</c> call.</summary>
/// <param name="Verified">Whether the bundle verified.</param>
/// <param name="Reason">A reason code (<c>OK</c> when verified).</param>
/// <param name="Detail">A short human explanation.</param>
internal sealed record BundleVerificationOutcome(bool Verified, string Reason, string Detail);
