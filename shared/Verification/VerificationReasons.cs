namespace ImageTrust.Verification;

/// <summary>Reason codes of an image verdict (<see cref="ImageVerificationResult.Reasons"/>).</summary>
internal static class VerificationReasons
{
    /// <summary>No signature of an accepted format was found for the digest.</summary>
    public const string NoSignatures = "NO_SIGNATURES";

    /// <summary>Signatures were found but none verified.</summary>
    public const string NoValidSignatures = "NO_VALID_SIGNATURES";

    /// <summary>Some signatures verified, but from fewer distinct authorities than the threshold.</summary>
    public const string ThresholdNotMet = "THRESHOLD_NOT_MET";

    /// <summary>The image (tag or digest) does not exist.</summary>
    public const string ImageNotFound = "IMAGE_NOT_FOUND";

    /// <summary>A platform manifest of a multi-arch index is not verified.</summary>
    public const string PlatformNotVerified = "PLATFORM_NOT_VERIFIED";

    /// <summary>The index digest of a multi-arch image is not verified.</summary>
    public const string IndexNotVerified = "INDEX_NOT_VERIFIED";

    /// <summary>A signature manifest or bundle manifest is malformed.</summary>
    public const string SignatureManifestInvalid = "SIGNATURE_MANIFEST_INVALID";

    /// <summary>The image manifest is malformed.</summary>
    public const string ImageManifestInvalid = "IMAGE_MANIFEST_INVALID";
}
