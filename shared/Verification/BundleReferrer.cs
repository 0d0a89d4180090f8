namespace ImageTrust.Verification;

/// <summary>
/// One finding of <see cref="BundleReferrerDiscovery"/>, in discovery order: a Sigstore bundle layer to fetch
/// (<see cref="BundleLayer"/> set), or a place that could not be read (<see cref="UnreadableReason"/> set).
/// </summary>
/// <param name="Location">Where: the referrers listing, the fallback tag or the referrer manifest.</param>
/// <param name="BundleLayer">The bundle blob's digest, or null for an unreadable place.</param>
/// <param name="UnreadableReason">The reason code, or null for a bundle layer.</param>
/// <param name="UnreadableDetail">The detail, or null for a bundle layer.</param>
internal sealed record BundleReferrer(string Location, Model.Digest? BundleLayer, string? UnreadableReason, string? UnreadableDetail);
