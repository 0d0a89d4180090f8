using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Verification;

/// <summary>Options of <see cref="SigstoreImageVerifier"/>.</summary>
internal sealed record ImageVerifierOptions
{
    /// <summary>The repository holding signatures instead of the image's own (cosign's <c>COSIGN_REPOSITORY</c>); null for the image's.</summary>
    public ImageReference? SignatureRepository { get; init; }

    /// <summary>The largest signature payload or bundle blob fetched.</summary>
    public long MaxSignatureBlobBytes { get; init; } = 1024 * 1024;

    /// <summary>The most bundle referrers examined per digest.</summary>
    public int MaxBundleReferrers { get; init; } = 32;

    /// <summary>The work and time one verification may take (its <see cref="VerificationBudget"/>).</summary>
    public VerificationLimits Limits { get; init; } = new();
}
