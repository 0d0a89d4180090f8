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

    /// <summary>A push was announced but the registry answered 404 for the image's manifest: nothing could be verified yet.</summary>
    public const string ManifestNotFound = "MANIFEST_NOT_FOUND";

    /// <summary>The manifest was still not found when the give-up time (the maximum age) after the push had passed.</summary>
    public const string ManifestNeverFound = "MANIFEST_NEVER_FOUND";
}
