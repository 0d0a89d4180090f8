using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Records;

/// <summary>
/// What applying a change for a set of messages does to a record, decided without any store: which messages are new, the
/// next record with its bounded history, the status transition, and the events the change raises. A store commits
/// <see cref="Next"/> and publishes <see cref="Events"/>; deciding again on a fresher record gives a new update.
/// </summary>
internal sealed record RecordUpdate
{
    private RecordUpdate(ApplyOutcome outcome, ImageRecord? next, StatusTransition? transition, string? messageId, ImmutableArray<ImageEvent> events)
    {
        Outcome = outcome;
        Next = next;
        Transition = transition;
        MessageId = messageId;
        Events = events;
    }

    /// <summary><see cref="ApplyOutcome.Applied"/> when there is something to commit.</summary>
    public ApplyOutcome Outcome { get; }

    /// <summary>The record to commit when applied; the current record (null when none) otherwise.</summary>
    public ImageRecord? Next { get; }

    /// <summary>The status transition made, or null when the status did not change.</summary>
    public StatusTransition? Transition { get; }

    /// <summary>The first of the new messages: the one the transition and the events are attributed to; null when none is new.</summary>
    public string? MessageId { get; }

    /// <summary>The events the change raises, in the change's order (empty unless applied).</summary>
    public ImmutableArray<ImageEvent> Events { get; }

    /// <summary>
    /// Decides the update of <paramref name="current"/> (null when the image was never recorded) for <paramref name="messageIds"/>
    /// at <paramref name="now"/>: a duplicate when every id was processed, nothing when a new record would get no status, else
    /// the change <paramref name="decide"/> returns, with the new ids recorded as processed.
    /// </summary>
    /// <exception cref="ArgumentException">No message ids.</exception>
    public static RecordUpdate Decide(ImageKey key, ImageRecord? current, IReadOnlyCollection<string> messageIds, Func<ImageRecord?, RecordChange> decide, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentNullException.ThrowIfNull(decide);
        if (messageIds.Count == 0)
        {
            throw new ArgumentException("need at least one message id", nameof(messageIds));
        }

        var fresh = messageIds.Distinct(StringComparer.Ordinal).Where(id => current is null || !current.ProcessedMessageIds.Contains(id)).ToList();
        if (fresh.Count == 0)
        {
            return new RecordUpdate(ApplyOutcome.Duplicate, current, null, null, []);
        }

        var change = decide(current) ?? RecordChange.None;
        if (current is null && change.Status is null)
        {
            return new RecordUpdate(ApplyOutcome.NotCreated, null, null, null, []);
        }

        var (next, transition) = Evolve(key, current, change, fresh, now);
        return new RecordUpdate(ApplyOutcome.Applied, next, transition, fresh[0], change.Events);
    }

    private static (ImageRecord Next, StatusTransition? Transition) Evolve(ImageKey key, ImageRecord? current, RecordChange change, List<string> fresh, DateTimeOffset now)
    {
        var previous = current?.Status;
        var status = change.Status ?? current!.Status;
        var reasons = Bound(change.Reasons ?? current?.Reasons ?? []);
        StatusTransition? transition = null;
        var history = current?.History ?? [];
        if (previous != status)
        {
            transition = new StatusTransition(previous, status, now, fresh[0], reasons);
            history = KeepLast(history.Add(transition), ImageRecord.MaxHistory);
        }

        var vulnerabilities = change.Vulnerabilities ?? current?.Vulnerabilities;
        if (vulnerabilities is not null && vulnerabilities.BlockingCves.Length > VulnerabilityFindings.MaxBlockingCves)
        {
            vulnerabilities = vulnerabilities with { BlockingCves = KeepFirst(vulnerabilities.BlockingCves, VulnerabilityFindings.MaxBlockingCves) };
        }

        var next = new ImageRecord
        {
            Key = key,
            Status = status,
            Reasons = reasons,
            Signers = KeepFirst(change.Signers ?? current?.Signers ?? [], ImageRecord.MaxSigners),
            Vulnerabilities = vulnerabilities,
            ScanStatus = change.ScanStatus ?? current?.ScanStatus,
            PolicyRule = change.PolicyRule ?? current?.PolicyRule,
            PolicyVersion = change.PolicyVersion ?? current?.PolicyVersion,
            FirstSeen = current?.FirstSeen ?? now,
            LastVerified = change.Verified ? now : current?.LastVerified,
            Updated = now,
            History = history,
            ProcessedMessageIds = KeepLast((current?.ProcessedMessageIds ?? []).AddRange(fresh), ImageRecord.MaxProcessedMessageIds),
            PendingEvents = current?.PendingEvents ?? 0,
        };
        return (next, transition);
    }

    private static ImmutableArray<string> Bound(ImmutableArray<string> reasons)
        => [.. reasons.Take(ImageRecord.MaxReasons).Select(r => r.Length > ImageRecord.MaxReasonLength ? r[..ImageRecord.MaxReasonLength] : r)];

    private static ImmutableArray<T> KeepFirst<T>(ImmutableArray<T> items, int count) => items.Length > count ? items.RemoveRange(count, items.Length - count) : items;

    private static ImmutableArray<T> KeepLast<T>(ImmutableArray<T> items, int count) => items.Length > count ? items.RemoveRange(0, items.Length - count) : items;
}
