using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;

namespace ImageTrust.Pipeline.Decisions;

/// <summary>
/// When an image record is next due for re-verification under a policy: at the end of a pending image's grace period, or
/// when its last verification reaches the maximum age; an image awaiting its manifest (<c>PENDING_MANIFEST</c>) with a
/// backoff from its push (<see cref="FirstManifestRecheck"/>, then doubling up to the maximum age, with one check at the
/// give-up time). A record verified under another policy version is due at once
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

    /// <summary>The reason of an image awaiting its manifest whose next check is due.</summary>
    public const string ManifestRecheck = "MANIFEST_RECHECK";

    /// <summary>The wait before the first re-check of a manifest the registry answered 404 for.</summary>
    public static TimeSpan FirstManifestRecheck { get; } = TimeSpan.FromMinutes(5);

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

    /// <summary>How long after its push an image awaiting its manifest is given up on (alerted), and the longest wait between checks.</summary>
    public TimeSpan MaxAge => _maxAge;

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

        if (record.Status == ImageStatus.PendingManifest)
        {
            return ManifestRecheckAt(record);
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

        // A pending manifest's next check was computed when it was written, from the writer's clock; the stored value is kept
        // rather than recomputed from the document's server update time.
        var dueAt = record.Status == ImageStatus.PendingManifest ? record.DueAt ?? DueAt(record) : DueAt(record);
        if (dueAt is not { } due || due > now)
        {
            return null;
        }

        if (record.Status == ImageStatus.PendingManifest)
        {
            return ManifestRecheck;
        }

        return record.Status == ImageStatus.PendingSignature && GraceExpiry(record) <= now ? GracePeriodExpired : VerificationStale;
    }

    // Checked last at the record's write: the wait doubles with the time since the push (5 min, 10, 20, …) up to the maximum
    // age, and the check at the give-up time (push + maximum age) is never skipped, so the alert is not late by a whole wait.
    private DateTimeOffset ManifestRecheckAt(ImageRecord record)
    {
        var checkedAt = record.Updated ?? record.FirstSeen;
        var sincePush = checkedAt - record.FirstSeen;
        var wait = sincePush < FirstManifestRecheck ? FirstManifestRecheck : sincePush > _maxAge ? _maxAge : sincePush;
        var next = checkedAt + wait;
        var giveUp = record.FirstSeen + _maxAge;
        return checkedAt < giveUp && next > giveUp ? giveUp : next;
    }

    // Without a grace period under the recorded rule, a pending image is due at once.
    private DateTimeOffset GraceExpiry(ImageRecord record)
        => _policy.Rules.FirstOrDefault(r => r.Name == record.PolicyRule)?.SignatureGracePeriod is { } grace ? record.FirstSeen + grace : record.FirstSeen;
}
