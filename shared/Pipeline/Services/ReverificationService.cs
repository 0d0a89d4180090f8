using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Re-verification in two steps, so it scales with what is due rather than with every record:
/// <list type="number">
/// <item>The scheduled sweep (<see cref="RunAsync"/>) queries only due records: those with outbox events nobody is publishing
/// (<see cref="ImageRecord.PendingEventsDueAt"/> passed: their publisher failed or died), then those judged under the current
/// policy version whose due time (<see cref="ImageRecord.DueAt"/>: grace expiry or maximum age) has passed, earliest first,
/// then those judged under another policy version. A drain tick (<see cref="DrainOutboxesAsync"/>, on its own, more frequent
/// schedule) runs only the first query, so an event is out soon after Pub/Sub is back even when every delivery that
/// committed it was dead-lettered. It publishes one work message per image to the work topic, at most
/// <see cref="PipelineSettings.ReverifyBatch"/> per run: that bound, times the schedule, caps the fan-out rate, so a policy
/// change reaches every record over several runs instead of all at once.</item>
/// <item>Each work message (<see cref="ReverifyImageAsync"/>) publishes the image's free outbox events (without
/// re-verifying), then re-verifies it if it is still due, deduplicated by its message id like every other message; Pub/Sub push delivers them concurrently, so the service scales out. It then repairs
/// the image's attestation drift (<see cref="AttestationReconciler"/>), also when the image is no longer due.</item>
/// </list>
/// </summary>
internal sealed class ReverificationService
{
    /// <summary>The most records one query page reads.</summary>
    public const int PageSize = 200;

    private readonly ImageRecordStore _records;
    private readonly PushVerificationService _verification;
    private readonly PubSubPublisher _publisher;
    private readonly ReverificationSchedule _schedule;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ReverificationService> _logger;
    private readonly AttestationReconciler? _attestations;
    private readonly OutboxConfirmer? _confirmer;

    /// <summary>
    /// Creates the service; <paramref name="attestations"/> is null when attestations are off, <paramref name="confirmer"/>
    /// when each event is marked sent by the request that published it.
    /// </summary>
    public ReverificationService(ImageRecordStore records, PushVerificationService verification, PubSubPublisher publisher, ReverificationSchedule schedule, PipelineSettings settings, TimeProvider timeProvider, ILogger<ReverificationService> logger, AttestationReconciler? attestations = null, OutboxConfirmer? confirmer = null)
    {
        _attestations = attestations;
        _confirmer = confirmer;
        _records = records;
        _verification = verification;
        _publisher = publisher;
        _schedule = schedule;
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Runs one sweep for the trigger message <paramref name="runId"/>: publishes a work message per due image.</summary>
    /// <returns>How many records were read and how many work messages were published.</returns>
    /// <exception cref="TransientFailureException">Firestore or Pub/Sub is unavailable: the trigger is retried (an image already
    /// published again is harmless: its handler finds it no longer due).</exception>
    public async Task<ReverificationSummary> RunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var now = _timeProvider.GetUtcNow();
        var version = _schedule.PolicyVersion;
        var sweep = new Sweep(_settings.ReverifyBatch);
        var confirmed = await ConfirmAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(sweep, now, cancellationToken).ConfigureAwait(false);
        await SweepAsync(sweep, (size, token, ct) => _records.ListDueAsync(version, now, size, token, ct), record => _schedule.DueReason(record, now), cancellationToken).ConfigureAwait(false);
        await SweepAsync(sweep, (size, token, ct) => _records.ListOtherPolicyVersionAsync(version, size, token, ct), record => _schedule.DueReason(record, now), cancellationToken).ConfigureAwait(false);
        if (sweep.Remaining == 0)
        {
            _logger.LogInformation("Re-verification batch of {Batch} reached; the rest waits for the next run", _settings.ReverifyBatch);
        }

        _logger.LogInformation("Re-verification run {RunId}: {Examined} due record(s) read, {Published} work message(s) published", runId, sweep.Examined, sweep.Published);
        return new ReverificationSummary(sweep.Examined, sweep.Published, confirmed);
    }

    /// <summary>
    /// Runs one drain for the trigger message <paramref name="runId"/>: marks sent what the confirmation subscriptions show
    /// was published (when events are confirmed by subscription), then publishes a work message per image whose outbox holds
    /// events nobody is publishing. A run that finds none costs one query (Firestore bills one read) and no publish.
    /// </summary>
    /// <exception cref="TransientFailureException">Firestore or Pub/Sub is unavailable: the trigger is retried.</exception>
    public async Task<ReverificationSummary> DrainOutboxesAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var sweep = new Sweep(_settings.ReverifyBatch);
        var confirmed = await ConfirmAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(sweep, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Outbox drain {RunId}: {Confirmed} published event(s) confirmed, {Examined} record(s) with pending events read, {Published} work message(s) published", runId, confirmed, sweep.Examined, sweep.Published);
        return new ReverificationSummary(sweep.Examined, sweep.Published, confirmed);
    }

    /// <summary>
    /// Handles one work message: publishes the image's outbox events that nobody holds (a delivery that failed to publish
    /// them gave them back, or died and its claim lapsed), re-verifies the image when the fresh record is still due, then
    /// repairs its attestation drift (whether or not it was due), so drift is repaired whenever the image is swept.
    /// </summary>
    /// <param name="data">The message data (<see cref="ReverificationWork"/>).</param>
    /// <param name="messageId">The Pub/Sub message id (the deduplication key).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="PermanentInputException">The message is malformed (acknowledged and alerted by the host).</exception>
    /// <exception cref="TransientFailureException">The registry, Firestore, Pub/Sub, Cloud KMS or Container Analysis is unavailable:
    /// retry (the redelivery takes verification's duplicate path and repairs the drift again).</exception>
    public async Task<PipelineOutcome> ReverifyImageAsync(ReadOnlyMemory<byte> data, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var work = ReverificationWork.Parse(data.Span);
        var record = await _records.GetAsync(work.Image, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return PipelineOutcome.Ignored("NOT_RECORDED");
        }

        var now = _timeProvider.GetUtcNow();
        var published = 0;
        if (record.PendingEventsDueAt <= now)
        {
            published = await _records.FlushOutboxAsync(work.Image, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("{Image}: {Published} pending event(s) published from the outbox", work.Image, published);
        }

        // A redelivery goes through verification's duplicate path, which publishes what a crash may have left in the outbox.
        if (!record.ProcessedMessageIds.Contains(messageId) && _schedule.DueReason(record, now) is not { } reason)
        {
            _logger.LogInformation("{Image} is no longer due (swept for {Reason}); nothing to re-verify", work.Image, work.Reason);
            await ReconcileAttestationAsync(work.Image, messageId, cancellationToken).ConfigureAwait(false);
            return PipelineOutcome.Ignored("NOT_DUE") with { Key = work.Image, PublishedEvents = published };
        }
        else
        {
            _logger.LogInformation("Re-verifying {Image} ({Reason})", work.Image, work.Reason);
        }

        var outcome = record.Status == ImageStatus.PendingManifest
            ? await _verification.RecheckManifestAsync(work.Image, messageId, cancellationToken).ConfigureAwait(false)
            : await _verification.VerifyImageAsync(work.Image, [messageId], cancellationToken).ConfigureAwait(false);
        await ReconcileAttestationAsync(work.Image, messageId, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    // After verification, so the repair compares the attestations with the status just decided.
    private async Task ReconcileAttestationAsync(ImageKey key, string messageId, CancellationToken cancellationToken)
    {
        if (_attestations is not null)
        {
            await _attestations.ReconcileAsync(key, messageId, cancellationToken).ConfigureAwait(false);
        }
    }

    // Before the query for lapsed claims, so an event already published is not published again.
    private Task<int> ConfirmAsync(CancellationToken cancellationToken)
        => _confirmer is null ? Task.FromResult(0) : _confirmer.ConfirmAsync(cancellationToken);

    private Task DrainAsync(Sweep sweep, DateTimeOffset now, CancellationToken cancellationToken)
        => SweepAsync(
            sweep,
            (size, token, ct) => _records.ListPendingEventsDueAsync(now, size, token, ct),
            record => record.PendingEventsDueAt <= now ? ReverificationWork.OutboxPending : null,
            cancellationToken);

    private async Task SweepAsync(Sweep sweep, Func<int, string?, CancellationToken, Task<ImageRecordPage>> list, Func<ImageRecord, string?> reasonOf, CancellationToken cancellationToken)
    {
        string? pageToken = null;
        while (sweep.Remaining > 0)
        {
            // Never read more records than the batch still allows: a run's reads are bounded by the batch, not by the collection.
            var page = await list(Math.Min(PageSize, sweep.Remaining), pageToken, cancellationToken).ConfigureAwait(false);
            var messages = new List<PubSubMessage>(page.Records.Length);
            foreach (var record in page.Records)
            {
                sweep.Examined++;
                if (sweep.Remaining - messages.Count == 0 || !sweep.Seen.Add(record.Key) || reasonOf(record) is not { } reason)
                {
                    continue;
                }

                messages.Add(PubSubMessage.Create(new ReverificationWork(record.Key, reason).ToJson(), [KeyValuePair.Create(ReverificationWork.KindAttribute, ReverificationWork.Kind)]));
            }

            if (messages.Count > 0)
            {
                await _publisher.PublishAsync(_settings.ReverifyWorkTopic, messages, cancellationToken).ConfigureAwait(false);
                sweep.Published += messages.Count;
            }

            pageToken = page.NextPageToken;
            if (pageToken is null)
            {
                return;
            }
        }
    }

    // One run's progress across both queries.
    private sealed class Sweep(int batch)
    {
        public HashSet<ImageKey> Seen { get; } = [];

        public int Examined { get; set; }

        public int Published { get; set; }

        public int Remaining => batch - Published;
    }
}
