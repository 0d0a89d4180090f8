using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// The most work one image verification may cause (issue 10: one unsigned image with 32 referrers of 1,024 identical bundle
/// layers caused 32,768 blob fetches). Immutable; checked by <see cref="Validate"/>.
/// </summary>
/// <remarks>
/// The defaults leave real images far inside the limits. A key-signed image costs 2 registry calls and a few KiB; a cosign
/// image carries a handful of signatures (one layer per <c>cosign sign</c>, one referrer per bundle), and a multi-arch index
/// under an every-platform rule costs about five calls per platform, so 256 calls cover some fifty platforms. 64 MiB holds
/// sixteen manifests at the 4 MiB manifest bound, or 64 signature blobs at the 1 MiB blob bound, while keeping one
/// verification's memory (its content cache included) bounded. Three minutes is cosign's <c>--timeout</c> default.
/// </remarks>
internal sealed record VerificationLimits
{
    /// <summary>The default of <see cref="MaxRegistryRequests"/>.</summary>
    public const int DefaultMaxRegistryRequests = 256;

    /// <summary>The default of <see cref="MaxBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxSignatures"/>.</summary>
    public const int DefaultMaxSignatures = 64;

    /// <summary>The longest <see cref="Timeout"/> accepted.</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromHours(24);

    /// <summary>The default of <see cref="Timeout"/>: 3 minutes, as cosign's <c>--timeout</c>.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Registry calls (a manifest, blob, referrers or tag list fetch), content served from the verification's cache excluded.
    /// A call's retries and authentication are bounded separately by the client's retry rules and deadline.
    /// </summary>
    public int MaxRegistryRequests { get; init; } = DefaultMaxRegistryRequests;

    /// <summary>Bytes of manifests, indexes and blobs received.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Signature, attestation and bundle layers examined (each listed layer counts, identical or not).</summary>
    public int MaxSignatures { get; init; } = DefaultMaxSignatures;

    /// <summary>One deadline for the whole verification, key service calls included.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ConfigurationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxRegistryRequests < 1 || MaxBytes < 1 || MaxSignatures < 1)
        {
            throw new ConfigurationException("verification limits (registry requests, bytes, signatures) must be positive");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout)
        {
            throw new ConfigurationException($"the verification timeout must be positive and at most {MaxTimeout.TotalHours:0} hours");
        }
    }
}
