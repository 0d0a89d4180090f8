namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Validated, immutable verifier options (the first layer; the per-call <see cref="BundleVerificationPolicy"/> is the second).
/// Bypasses are named <c>…Unsafe</c>.
/// </summary>
internal sealed record BundleVerifierOptions
{
    /// <summary>Creates options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is below 1.</exception>
    public BundleVerifierOptions(int transparencyLogThreshold = 1, int ctLogThreshold = 1, bool ignoreTransparencyLogUnsafe = false, bool ignoreSctUnsafe = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(transparencyLogThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ctLogThreshold, 1);
        TransparencyLogThreshold = transparencyLogThreshold;
        CtLogThreshold = ctLogThreshold;
        IgnoreTransparencyLogUnsafe = ignoreTransparencyLogUnsafe;
        IgnoreSctUnsafe = ignoreSctUnsafe;
    }

    /// <summary>The default: one verified tlog entry and one SCT required.</summary>
    public static BundleVerifierOptions Default { get; } = new();

    /// <summary>How many tlog entries must verify.</summary>
    public int TransparencyLogThreshold { get; }

    /// <summary>How many SCTs must verify (only one is checked today, so any value means "one").</summary>
    public int CtLogThreshold { get; }

    /// <summary>Skip transparency log checks (cosign's <c>--insecure-ignore-tlog</c>); a signing time then needs a TSA.</summary>
    public bool IgnoreTransparencyLogUnsafe { get; }

    /// <summary>Skip SCT checks (cosign's <c>--insecure-ignore-sct</c>).</summary>
    public bool IgnoreSctUnsafe { get; }
}
