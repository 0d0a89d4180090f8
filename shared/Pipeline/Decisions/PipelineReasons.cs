namespace ImageTrust.Pipeline.Decisions;

/// <summary>Reason codes the pipeline itself records (the verifier's own codes are in <c>VerificationReasons</c>).</summary>
internal static class PipelineReasons
{
    /// <summary>No policy rule covers the repository.</summary>
    public const string NoMatchingRule = "NO_MATCHING_RULE";

    /// <summary>The image was deleted from the registry.</summary>
    public const string ImageDeleted = "IMAGE_DELETED";

    /// <summary>A vulnerability finding blocks the image under its rule's vulnerability policy.</summary>
    public const string VulnerabilityBlocked = "VULNERABILITY_BLOCKED";

    /// <summary>Signatures failed without a more specific reason.</summary>
    public const string VerificationFailed = "VERIFICATION_FAILED";
}
