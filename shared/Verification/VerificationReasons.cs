using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;

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

    /// <summary>More signature, attestation or bundle layers are listed than one verification may examine.</summary>
    public const string TooManySignatures = VerificationBudgetExceededException.TooManySignatures;

    /// <summary>The verification needed more registry requests or bytes than its budget.</summary>
    public const string BudgetExceeded = VerificationBudgetExceededException.BudgetExceeded;

    /// <summary>The verification did not finish within its deadline (<c>--timeout</c>, <c>IMAGETRUST_VERIFICATION_TIMEOUT</c>).</summary>
    public const string VerificationTimeout = "VERIFICATION_TIMEOUT";

    /// <summary>An image or platform digest uses an algorithm cosign's signatures cannot address (anything but sha256).</summary>
    public const string UnsupportedDigest = "UNSUPPORTED_DIGEST";

    /// <summary>
    /// Whether <paramref name="reason"/> says the verification itself was refused (a limit, or an image no signature can name),
    /// so waiting for a signature to arrive cannot change the verdict.
    /// </summary>
    public static bool EndsVerification(string reason)
        => reason is TooManySignatures or BudgetExceeded or VerificationTimeout or UnsupportedDigest;

    /// <summary>
    /// Whether cosign can sign <paramref name="digest"/>: sha256 only. go-containerregistry, which cosign uses, hashes with
    /// sha256 alone, and a <c>sha512-&lt;128 hex&gt;.sig</c> tag would pass the distribution spec's 128-character tag limit.
    /// </summary>
    public static bool IsSignable(Digest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return digest.Algorithm == "sha256";
    }

    /// <summary>The explanation of <see cref="UnsupportedDigest"/> for <paramref name="digest"/>.</summary>
    public static string UnsupportedDigestDetail(Digest digest)
        => $"{digest.Algorithm} digest {digest} can't carry cosign signatures: cosign signs and finds sha256 digests only";

    /// <summary>The explanation of <see cref="VerificationTimeout"/>.</summary>
    public static string TimeoutDetail(TimeSpan timeout)
        => $"the verification did not finish in time (limit timeout = {GoDuration.Format(timeout)}, set by --timeout or IMAGETRUST_VERIFICATION_TIMEOUT)";
}
