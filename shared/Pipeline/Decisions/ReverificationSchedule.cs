using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;

namespace ImageTrust.Pipeline.Decisions;

/// <summary>
/// When an image record is next due for re-verification under a policy: at the end of a pending image's grace period, or
/// when its last verification reaches the maximum age. A record verified under another policy version is due at once
/// (<c>POLICY_CHANGED</c>); that is found by comparing versions, so it is not part of <see cref="DueAt"/>.
/// </summary>
internal sealed class ReverificationSchedule
{
    /// <summary>The reason of a record verified under another policy version.</summary>
    public const string PolicyChanged = "POLICY_CHANGED";

    /// <summary>The reason of a pending image whose grace period ended.</summary>
    public const string GracePeriodExpired = "GRACE_PERIOD_EXPIRED";

    /// <summary>The reason of a verification older than the maximum age.</summary>
    public const string VerificationStale = "VERIFICATION_STALE";

    private readonly TrustPolicy _policy;
    private readonly TimeSpan _maxAge;

    /// <summary>Creates the schedule of <paramref name="policy"/> with verifications kept at most <paramref name="maxAge"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is not positive.</exception>
    public ReverificationSchedule(TrustPolicy policy, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        _policy = policy;
        _maxAge = maxAge;
    }

    /// <summary>The policy version records are compared with.</summary>
    public string PolicyVersion => _policy.Version;

    /// <summary>
    /// When <paramref name="record"/> is next due under its own policy version; null when only a policy change makes it due
    /// (unmanaged) or never (deleted).
    /// </summary>
    public DateTimeOffset? DueAt(ImageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Status is ImageStatus.Deleted or ImageStatus.Unmanaged)
        {
            return null;
        }

        // A record without a verification (or without a policy version) has never been judged as a whole: due now.
        if (record.LastVerified is not { } last || record.PolicyVersion is null)
        {
            return record.FirstSeen;
        }

        var stale = last + _maxAge;
        if (record.Status == ImageStatus.PendingSignature)
        {
            var expiry = GraceExpiry(record);
            return expiry < stale ? expiry : stale;
        }

        return stale;
    }

    /// <summary>Why <paramref name="record"/> is due at <paramref name="now"/>, or null when it is not.</summary>
    public string? DueReason(ImageRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Status == ImageStatus.Deleted)
        {
            return null;
        }

        if (record.PolicyVersion != _policy.Version)
        {
            return PolicyChanged;
        }

        if (DueAt(record) is not { } due || due > now)
        {
            return null;
        }

        return record.Status == ImageStatus.PendingSignature && GraceExpiry(record) <= now ? GracePeriodExpired : VerificationStale;
    }

    // Without a grace period under the recorded rule, a pending image is due at once.
    private DateTimeOffset GraceExpiry(ImageRecord record)
        => _policy.Rules.FirstOrDefault(r => r.Name == record.PolicyRule)?.SignatureGracePeriod is { } grace ? record.FirstSeen + grace : record.FirstSeen;
}
