using System.Collections.Immutable;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>
/// <see cref="ImageRecordStore"/> on Firestore (collection <c>images</c>, one document per image, see <see cref="ImageRecordDocument"/>)
/// with a <see cref="FirestoreOutbox"/> in each document: a change and the events it raises are one conditional write, and the
/// events are published through <see cref="PubSubPublisher"/> after it.
/// </summary>
internal sealed class FirestoreImageRecordStore : ImageRecordStore
{
    /// <summary>The default collection.</summary>
    public const string DefaultCollection = "images";

    private const int MaxMessageIdLength = 512;

    private readonly FirestoreDocumentStore _documents;
    private readonly FirestoreOutbox _outbox;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _collection;
    private readonly RetryPolicy _conflictRetry;
    private readonly FirestoreImageRecordReader _reader;
    private readonly FirestoreAttestationOutbox? _attestations;
    private readonly ReverificationSchedule? _schedule;

    /// <summary>Creates the store.</summary>
    /// <param name="documents">The Firestore documents.</param>
    /// <param name="publisher">The Pub/Sub publisher for outbox events.</param>
    /// <param name="topics">Where each event type goes.</param>
    /// <param name="timeProvider">The clock for record timestamps and the backoff between conflicting writes.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="collection">The collection id (tests use unique ones).</param>
    /// <param name="conflictRetry">Backoff when the record changed under a write, or null for <see cref="RetryPolicy.Contention"/>.</param>
    /// <param name="schedule">Sets <see cref="ImageRecord.DueAt"/> on every write, or null to leave records out of the time-due sweep.</param>
    /// <param name="attestor">The Binary Authorization attestor whose actions are committed with status changes, or null when attestations are off.</param>
    public FirestoreImageRecordStore(FirestoreDocumentStore documents, PubSubPublisher publisher, ImageEventTopics topics, TimeProvider timeProvider, ILogger<FirestoreImageRecordStore> logger, string collection = DefaultCollection, RetryPolicy? conflictRetry = null, ReverificationSchedule? schedule = null, ImageAttestor? attestor = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _documents = documents;
        _timeProvider = timeProvider;
        _logger = logger;
        _collection = FirestoreDocumentIds.Validate(collection, "collection");
        _conflictRetry = conflictRetry ?? RetryPolicy.Contention;
        _schedule = schedule;
        _reader = new FirestoreImageRecordReader(documents, _collection);
        var claims = new ImageDocumentClaims(documents, _collection, logger);
        _outbox = new FirestoreOutbox(documents, publisher, topics, claims, _collection, logger);
        _attestations = attestor is null ? null : new FirestoreAttestationOutbox(documents, attestor, topics, claims, _collection, timeProvider, logger);
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
        // so one commit is the only round trip after the caller's read; a lost race decides again on a fresh read. A basis
        // with pending events is read again, as the write must keep its outbox.
        var documentId = ImageDocumentIds.For(key);
        var stored = basis is { Record.PendingEvents: 0 } or { Record: null }
            ? new Stored(basis.Record is { } record ? new StoredImageRecord(record, []) : null, basis.Version)
            : await ReadStoredAsync(key, cancellationToken).ConfigureAwait(false);
        var started = _timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var now = _timeProvider.GetUtcNow();
            var claim = OutboxClaim.Take(now);
            var update = RecordUpdate.Decide(key, stored.Content?.Record, messageIds, decide, now);
            if (update is not { Outcome: ApplyOutcome.Applied, Next: { } next })
            {
                var pending = stored.Content?.Outbox ?? [];
                return await FinishAsync(key, messageIds, update, update.Next, pending, stored.Version, claim, cancellationToken).ConfigureAwait(false);
            }

            // The write claims its own events and any nobody holds, so this delivery alone publishes them.
            var outbox = FirestoreOutbox.ClaimFree(stored.Content?.Outbox ?? [], now, claim).AddRange(_outbox.Enqueue(update, stored.Content?.Record.Status, now, claim));
            var written = new StoredImageRecord(ImageRecordDocument.WithOutbox(next, outbox) with { DueAt = _schedule?.DueAt(next), PendingAttestation = _attestations is null ? null : next.PendingAttestation }, outbox);
            var fields = ImageRecordDocument.ToFields(written);
            var write = stored.Version is { } version
                ? FirestoreWrite.Set(_collection, documentId, fields, [ImageRecordDocument.UpdatedField]).WithExpectedUpdateTime(version)
                : FirestoreWrite.Create(_collection, documentId, fields, [ImageRecordDocument.UpdatedField]);
            GoogleApiException conflict;
            try
            {
                var commit = await _documents.CommitAsync([write], cancellationToken).ConfigureAwait(false);
                var committed = commit is { UpdateTimes: [DateTimeOffset at] } ? at : (DateTimeOffset?)null;
                return await FinishAsync(key, messageIds, update, written.Record, outbox, committed, claim, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException exception) when (exception.Status is "FAILED_PRECONDITION" or "ALREADY_EXISTS" or "ABORTED")
            {
                // Someone wrote the record since it was read (or an earlier attempt of ours did and its answer was lost).
                conflict = exception;
            }

            // A guess that the image is new meets its record at once: that is no contention, so no backoff.
            var delay = attempt == 1 && basis is { Assumed: true } ? TimeSpan.Zero : _conflictRetry.BackoffAfter(attempt);
            if (attempt >= _conflictRetry.MaxAttempts || _timeProvider.GetElapsedTime(started) + delay > _conflictRetry.TotalTimeout)
            {
                throw new TransientFailureException($"{key} kept changing; the change was not applied after {attempt} attempt(s): {conflict.Message}", conflict);
            }

            _logger.LogDebug("{Image} changed since it was read (attempt {Attempt}); deciding again in {DelayMs} ms", key, attempt, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            stored = await ReadStoredAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<ImageRecordSnapshot> ReadAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        var stored = await ReadStoredAsync(key, cancellationToken).ConfigureAwait(false);
        return new ImageRecordSnapshot(key, stored.Content?.Record, stored.Version);
    }

    /// <inheritdoc />
    public override Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default)
        => _reader.ListAsync(status, pageSize, pageToken, cancellationToken);

    /// <inheritdoc />
    public override Task<ImageRecordPage> ListDueAsync(string policyVersion, DateTimeOffset now, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
        => _reader.ListDueAsync(policyVersion, now, pageSize, pageToken, cancellationToken);

    /// <inheritdoc />
    public override Task<ImageRecordPage> ListOtherPolicyVersionAsync(string policyVersion, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
        => _reader.ListOtherPolicyVersionAsync(policyVersion, pageSize, pageToken, cancellationToken);

    /// <inheritdoc />
    public override Task<ImageRecordPage> ListPendingEventsDueAsync(DateTimeOffset now, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
        => _reader.ListPendingEventsDueAsync(now, pageSize, pageToken, cancellationToken);

    /// <inheritdoc />
    public override async Task<int> FlushOutboxAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        var stored = await ReadStoredAsync(key, cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        return stored.Content is not { Outbox.IsEmpty: false } content ? 0 : await _outbox.PublishAsync(key, content.Outbox, stored.Version, now, OutboxClaim.Take(now), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task<int> ConfirmPublishedAsync(string topic, IReadOnlyDictionary<ImageKey, List<ReadOnlyMemory<byte>>> published, CancellationToken cancellationToken = default)
        => _outbox.ConfirmAsync(topic, published, cancellationToken);

    private async Task<Stored> ReadStoredAsync(ImageKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var document = await _documents.GetAsync(_collection, ImageDocumentIds.For(key), cancellationToken).ConfigureAwait(false);
        return document is null ? new Stored(null, null) : new Stored(ImageRecordDocument.Read(document), document.UpdateTime);
    }

    // claim: what this delivery's entries are claimed with (those it committed, the attestation's events, free ones it claims).
    private async Task<ApplyResult> FinishAsync(ImageKey key, IReadOnlyCollection<string> messageIds, RecordUpdate update, ImageRecord? record, ImmutableArray<OutboxEvent> outbox, DateTimeOffset? version, OutboxClaim claim, CancellationToken cancellationToken)
    {
        if (update.Outcome == ApplyOutcome.Duplicate)
        {
            _logger.LogInformation("Message(s) {MessageIds} for {Image} already processed; {Pending} outbox event(s) pending", string.Join(',', messageIds), key, outbox.Length);
        }
        else if (update.Transition is { } transition)
        {
            // Rule, repository and source project are structured fields for the log-based metrics (terraform/modules/imagetrust/monitoring.tf).
            _logger.LogInformation(
                "{Image}: {From} -> {To} ({Reasons}) under rule {Rule}, repository {Repository}, project {SourceProject}",
                key,
                transition.From?.ToWire() ?? "NEW",
                transition.To.ToWire(),
                string.Join(',', transition.Reasons),
                record?.PolicyRule ?? "none",
                key.Repository,
                key.SourceProject ?? "none");
        }

        // The attestation action runs before the events are published, so a withdrawal is not delayed by Pub/Sub; when it fails
        // the events still go out, and the action stays pending for the redelivery (the status stands either way).
        TransientFailureException? attestationFailure = null;
        if (_attestations is not null && record is { PendingAttestation: not null })
        {
            try
            {
                (record, outbox, version) = await _attestations.CarryOutAsync(record, outbox, version, claim, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFailureException exception)
            {
                _logger.LogWarning("{Image}: the attestation action {Action} failed and stays pending: {Error}", key, record.PendingAttestation?.ToWire(), exception.Message);
                attestationFailure = exception;
            }
        }

        var published = outbox.IsEmpty ? 0 : await _outbox.PublishAsync(key, outbox, version, _timeProvider.GetUtcNow(), claim, cancellationToken).ConfigureAwait(false);
        if (attestationFailure is not null)
        {
            throw new TransientFailureException($"{key}: the status is recorded, but the attestation action {record?.PendingAttestation?.ToWire()} is pending until a retry: {attestationFailure.Message}", attestationFailure);
        }

        return new ApplyResult(update.Outcome, record, update.Transition, published);
    }

    // The document's content (null when none) and the version it was read or committed at.
    private readonly record struct Stored(StoredImageRecord? Content, DateTimeOffset? Version);
}
