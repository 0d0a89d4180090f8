namespace ImageTrust.Policy;

/// <summary>For a multi-arch index: which digests must carry valid signatures.</summary>
internal enum MultiArchRequirement
{
    /// <summary>The index digest itself (cosign's default when signing an index).</summary>
    Index,

    /// <summary>Every platform manifest the index lists.</summary>
    EveryPlatform,

    /// <summary>The index and every platform manifest.</summary>
    IndexAndEveryPlatform,
}
