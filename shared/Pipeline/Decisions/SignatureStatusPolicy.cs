using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;
using ImageTrust.Verification;

namespace ImageTrust.Pipeline.Decisions;

/// <summary>Turns a signature verification result into an image status under a rule.</summary>
internal static class SignatureStatusPolicy
{
    /// <summary>The reason recorded while an unsigned image waits for its signature.</summary>
    public const string AwaitingSignature = "AWAITING_SIGNATURE";

    /// <summary>
    /// Verified → <see cref="ImageStatus.Verified"/>. Otherwise, while inside the rule's grace period and with no signature that
    /// actually failed (only missing ones), <see cref="ImageStatus.PendingSignature"/>: the signature is usually pushed seconds
    /// after the image. A present but bad signature is never pending, nor is a verification that was refused (a spent budget, a
    /// timeout, a digest no signature can name): waiting for a signature can't change those. Past that, the rule's mode decides.
    /// </summary>
    public static StatusDecision Decide(ImageVerificationResult result, PolicyRule rule, DateTimeOffset firstSeen, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(rule);
        if (result.Verified)
        {
            return new StatusDecision(ImageStatus.Verified, []);
        }

        var onlyMissing = result.Signatures.All(signature => signature.Verified) && !result.Reasons.Any(VerificationReasons.EndsVerification);
        var inGrace = rule.SignatureGracePeriod is { } grace && now - firstSeen < grace;
        if (onlyMissing && inGrace)
        {
            return new StatusDecision(ImageStatus.PendingSignature, [AwaitingSignature, .. result.Reasons]);
        }

        var status = rule.Mode == EnforcementMode.Enforce ? ImageStatus.Quarantined : ImageStatus.Warned;
        return new StatusDecision(status, result.Reasons.Count > 0 ? result.Reasons : ["VERIFICATION_FAILED"]);
    }
}
