namespace ImageTrust.Policy;

/// <summary>Which signature storage formats a rule accepts.</summary>
[Flags]
internal enum SignatureFormats
{
    /// <summary>Classic cosign <c>sha256-…sig</c> tags with simple-signing payloads.</summary>
    Classic = 1,

    /// <summary>Sigstore bundles attached as OCI referrers (or the <c>sha256-…</c> fallback tag).</summary>
    Bundle = 2,

    /// <summary>Both formats (the default).</summary>
    Any = Classic | Bundle,
}
