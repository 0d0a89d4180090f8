using System.Collections.Immutable;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Records;

/// <summary>
/// <see cref="ImageRecordStore"/> on Firestore (collection <c>images</c>, one document per image) with the outbox published
/// through <see cref="PubSubPublisher"/>. Publishing is at least once: a crash after publishing but before marking sent
/// re-publishes the same CloudEvent ids, which consumers can deduplicate.
/// </summary>
internal sealed class FirestoreImageRecordStore : ImageRecordStore
{
    /// <summary>The default collection.</summary>
    public const string DefaultCollection = "images";

    private const int MaxMessageIdLength = 512;
    private const int MaxReasonLength = 500;

    private readonly FirestoreDocumentStore _documents;
    private readonly PubSubPublisher _publisher;
    private readonly ImageEventTopics _topics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _collection;
    private readonly RetryPolicy _conflictRetry;
    private readonly FirestoreImageRecordReader _reader;

    /// <summary>Creates the store.</summary>
    /// <param name="documents">The Firestore documents.</param>
    /// <param name="publisher">The Pub/Sub publisher for outbox events.</param>
    /// <param name="topics">Where each event type goes.</param>
    /// <param name="timeProvider">The clock for record timestamps.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="collection">The collection id (tests use unique ones).</param>
    /// <param name="conflictRetry">Backoff when the record changed under a write, or null for <see cref="RetryPolicy.Contention"/>.</param>
    public FirestoreImageRecordStore(FirestoreDocumentStore documents, PubSubPublisher publisher, ImageEventTopics topics, TimeProvider timeProvider, ILogger<FirestoreImageRecordStore> logger, string collection = DefaultCollection, RetryPolicy? conflictRetry = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _documents = documents;
        _publisher = publisher;
        _topics = topics;
        _timeProvider = timeProvider;
        _logger = logger;
        _collection = FirestoreDocumentIds.Validate(collection, "collection");
        _conflictRetry = conflictRetry ?? RetryPolicy.Contention;
        _reader = new FirestoreImageRecordReader(documents, _collection);
    }

    /// <inheritdoc />
    public override async Task<ApplyResult> ApplyAsync(ImageKey key, IReadOnlyCollection<string> messageIds, Func<ImageRecord?, RecordChange> decide, ImageRecordSnapshot? basis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentNullException.ThrowIfNull(decide);
        if (messageIds.Count == 0 || messageIds.Any(id => string.IsNullOrEmpty(id) || id.Length > MaxMessageIdLength))
        {
            throw new ArgumentException($"need at least one message id, each 1-{MaxMessageIdLength} characters", nameof(messageIds));
        }

        if (basis is not null && basis.Key != key)
        {
            throw new ArgumentException($"the basis was read for {basis.Key}, not {key}", nameof(basis));
        }

        // Optimistic concurrency instead of a transaction: the write carries the version it was decided on (or exists=false),
        // so one commit is the only round trip after the caller's read; a lost race decides again on a fresh read.
        var documentId = key.ToDocumentId();
        var snapshot = basis ?? await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        var started = _timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var plan = Plan(key, snapshot.Record, messageIds, decide);
            if (plan.Outcome != ApplyOutcome.Applied || plan.Next is null)
            {
                return await FinishAsync(key, messageIds, plan, snapshot.Version, cancellationToken).ConfigureAwait(false);
            }

            var fields = ImageRecordDocument.ToFields(plan.Next);
            var write = snapshot.Version is { } version
                ? FirestoreWrite.Set(_collection, documentId, fields, [ImageRecordDocument.UpdatedField]).WithExpectedUpdateTime(version)
                : FirestoreWrite.Create(_collection, documentId, fields, [ImageRecordDocument.UpdatedField]);
            GoogleApiException conflict;
            try
            {
                var commit = await _documents.CommitAsync([write], cancellationToken).ConfigureAwait(false);
                return await FinishAsync(key, messageIds, plan, commit is { UpdateTimes: [DateTimeOffset committed] } ? committed : null, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException exception) when (exception.Status is "FAILED_PRECONDITION" or "ALREADY_EXISTS" or "ABORTED")
            {
                // Someone wrote the record since it was read (or an earlier attempt of ours did and its answer was lost).
                conflict = exception;
            }

            var delay = _conflictRetry.BackoffAfter(attempt);
            if (attempt >= _conflictRetry.MaxAttempts || _timeProvider.GetElapsedTime(started) + delay > _conflictRetry.TotalTimeout)
            {
                throw new TransientFailureException($"{key} kept changing; the change was not applied after {attempt} attempt(s): {conflict.Message}", conflict);
            }

            _logger.LogDebug("{Image} changed since it was read (attempt {Attempt}); deciding again in {DelayMs} ms", key, attempt, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            snapshot = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<ImageRecordSnapshot> ReadAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var document = await _documents.GetAsync(_collection, key.ToDocumentId(), cancellationToken).ConfigureAwait(false);
        return document is null ? new ImageRecordSnapshot(key, null, null) : new ImageRecordSnapshot(key, Read(document), document.UpdateTime);
    }

    /// <inheritdoc />
    public override Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default)
        => _reader.ListAsync(status, pageSize, pageToken, cancellationToken);

    /// <inheritdoc />
    public override async Task<int> FlushOutboxAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        var snapshot = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        return snapshot.Record is not { Outbox.IsEmpty: false } record ? 0 : await PublishAndMarkSentAsync(key, record.Outbox, snapshot.Version, cancellationToken).ConfigureAwait(false);
    }

    private ApplyPlan Plan(ImageKey key, ImageRecord? current, IReadOnlyCollection<string> messageIds, Func<ImageRecord?, RecordChange> decide)
    {
        var fresh = messageIds.Distinct(StringComparer.Ordinal).Where(id => current is null || !current.ProcessedMessageIds.Contains(id)).ToList();
        if (fresh.Count == 0)
        {
            return new ApplyPlan(ApplyOutcome.Duplicate, current, null);
        }

        var change = decide(current) ?? RecordChange.None;
        if (current is null && change.Status is null)
        {
            return new ApplyPlan(ApplyOutcome.NotCreated, null, null);
        }

        var (next, transition) = Evolve(key, current, change, fresh, _timeProvider.GetUtcNow());
        return new ApplyPlan(ApplyOutcome.Applied, next, transition);
    }

    private async Task<ApplyResult> FinishAsync(ImageKey key, IReadOnlyCollection<string> messageIds, ApplyPlan plan, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        if (plan.Outcome == ApplyOutcome.Duplicate)
        {
            _logger.LogInformation("Message(s) {MessageIds} for {Image} already processed; {Pending} outbox event(s) pending", string.Join(',', messageIds), key, plan.Next?.Outbox.Length ?? 0);
        }
        else if (plan.Transition is { } transition)
        {
            _logger.LogInformation("{Image}: {From} -> {To} ({Reasons})", key, transition.From?.ToWire() ?? "NEW", transition.To.ToWire(), string.Join(',', transition.Reasons));
        }

        // Knowing the version the outbox was read or committed at makes marking sent one conditional write.
        var record = plan.Next;
        var published = record is null || record.Outbox.IsEmpty ? 0 : await PublishAndMarkSentAsync(key, record.Outbox, version, cancellationToken).ConfigureAwait(false);
        return new ApplyResult(plan.Outcome, record, plan.Transition, published);
    }

    private (ImageRecord Next, StatusTransition? Transition) Evolve(ImageKey key, ImageRecord? current, RecordChange change, IReadOnlyList<string> fresh, DateTimeOffset now)
    {
        var previous = current?.Status;
        var status = change.Status ?? current!.Status;
        var reasons = Bound(change.Reasons ?? current?.Reasons ?? []);
        StatusTransition? transition = null;
        var history = current?.History ?? [];
        if (previous != status)
        {
            transition = new StatusTransition(previous, status, now, fresh[0], reasons);
            history = history.Add(transition);
            if (history.Length > ImageRecord.MaxHistory)
            {
                history = history.RemoveRange(0, history.Length - ImageRecord.MaxHistory);
            }
        }

        var processed = (current?.ProcessedMessageIds ?? []).AddRange(fresh);
        if (processed.Length > ImageRecord.MaxProcessedMessageIds)
        {
            processed = processed.RemoveRange(0, processed.Length - ImageRecord.MaxProcessedMessageIds);
        }

        var vulnerabilities = change.Vulnerabilities ?? current?.Vulnerabilities;
        if (vulnerabilities is not null && vulnerabilities.BlockingCves.Length > VulnerabilityFindings.MaxBlockingCves)
        {
            vulnerabilities = vulnerabilities with { BlockingCves = vulnerabilities.BlockingCves.RemoveRange(VulnerabilityFindings.MaxBlockingCves, vulnerabilities.BlockingCves.Length - VulnerabilityFindings.MaxBlockingCves) };
        }

        var signers = change.Signers ?? current?.Signers ?? [];
        var next = new ImageRecord
        {
            Key = key,
            Status = status,
            Reasons = reasons,
            Signers = signers.Length > ImageRecord.MaxSigners ? signers.RemoveRange(ImageRecord.MaxSigners, signers.Length - ImageRecord.MaxSigners) : signers,
            Vulnerabilities = vulnerabilities,
            ScanStatus = change.ScanStatus ?? current?.ScanStatus,
            PolicyRule = change.PolicyRule ?? current?.PolicyRule,
            PolicyVersion = change.PolicyVersion ?? current?.PolicyVersion,
            FirstSeen = current?.FirstSeen ?? now,
            LastVerified = change.Verified ? now : current?.LastVerified,
            Updated = now,
            History = history,
            ProcessedMessageIds = processed,
            Outbox = current?.Outbox ?? [],
        };

        var events = ImmutableArray.CreateBuilder<OutboxEvent>();
        for (var i = 0; i < change.Events.Length; i++)
        {
            var imageEvent = change.Events[i];
            var topic = _topics.TopicFor(imageEvent.Type);
            if (topic is null)
            {
                continue;
            }

            events.Add(ImageCloudEvents.Build(ImageCloudEvents.EventId(key, fresh[0], i), topic, imageEvent, next, previous, fresh[0], now));
        }

        return (next with { Outbox = next.Outbox.AddRange(events) }, transition);
    }

    private async Task<int> PublishAndMarkSentAsync(ImageKey key, ImmutableArray<OutboxEvent> pending, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        var sent = new HashSet<string>(StringComparer.Ordinal);
        Exception? failure = null;
        foreach (var group in pending.GroupBy(e => e.Topic, StringComparer.Ordinal))
        {
            try
            {
                var messages = group.Select(e => PubSubMessage.FromText(e.Payload, e.Attributes, key.Digest.ToString())).ToList();
                await _publisher.PublishAsync(group.Key, messages, cancellationToken).ConfigureAwait(false);
                sent.UnionWith(group.Select(e => e.EventId));
            }
            catch (Exception exception) when (exception is TransientFailureException or GoogleApiException or FormatException)
            {
                _logger.LogWarning("Publishing {Count} event(s) for {Image} to {Topic} failed; they stay in the outbox: {Error}", group.Count(), key, group.Key, exception.Message);
                failure ??= exception;
            }
        }

        if (sent.Count > 0)
        {
            await MarkSentAsync(key, pending, sent, version, cancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw new TransientFailureException($"published {sent.Count} of {pending.Length} event(s) for {key}; the rest stay in the outbox until a retry", failure);
        }

        return sent.Count;
    }

    private async Task MarkSentAsync(ImageKey key, ImmutableArray<OutboxEvent> outboxAtVersion, HashSet<string> sent, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        var documentId = key.ToDocumentId();
        if (version is { } expected)
        {
            try
            {
                var remaining = ImageRecordDocument.OutboxValue(outboxAtVersion.Where(e => !sent.Contains(e.EventId)));
                await _documents.CommitAsync([FirestoreWrite.Update(_collection, documentId, new Dictionary<string, FirestoreValue> { [ImageRecordDocument.OutboxField] = remaining }, expectedUpdateTime: expected)], cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (GoogleApiException exception) when (exception.Status is "FAILED_PRECONDITION" or "ABORTED" || exception.HttpStatus == System.Net.HttpStatusCode.Conflict)
            {
                // Someone wrote the document since our commit: fall back to a read-modify-write.
                _logger.LogDebug("Outbox of {Image} changed since commit; marking sent in a transaction", key);
            }
        }

        await _documents.RunTransactionAsync(
            async (transaction, ct) =>
            {
                var document = await transaction.GetAsync(_collection, documentId, ct).ConfigureAwait(false);
                if (document is null)
                {
                    return 0;
                }

                var record = Read(document);
                var remaining = record.Outbox.Where(e => !sent.Contains(e.EventId)).ToList();
                if (remaining.Count == record.Outbox.Length)
                {
                    return 0;
                }

                transaction.Write(FirestoreWrite.Update(_collection, documentId, new Dictionary<string, FirestoreValue> { [ImageRecordDocument.OutboxField] = ImageRecordDocument.OutboxValue(remaining) }));
                return record.Outbox.Length - remaining.Count;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static ImmutableArray<string> Bound(ImmutableArray<string> reasons)
        => [.. reasons.Take(ImageRecord.MaxReasons).Select(r => r.Length > MaxReasonLength ? r[..MaxReasonLength] : r)];

    private static ImageRecord Read(FirestoreDocument document) => FirestoreImageRecordReader.Read(document);

    private readonly record struct ApplyPlan(ApplyOutcome Outcome, ImageRecord? Next, StatusTransition? Transition);
}
