using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Model;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Wire;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>
/// Carries out the attestation action committed in an image document (<see cref="ImageRecord.PendingAttestation"/>) after the
/// commit, then records what was done in one more write: the attestation (or none), the action cleared, and the
/// <c>attested</c>/<c>attestation_withdrawn</c> event added to the outbox. A failure leaves the action pending for the redelivery.
/// </summary>
internal sealed class FirestoreAttestationOutbox
{
    private readonly FirestoreDocumentStore _documents;
    private readonly ImageAttestor _attestor;
    private readonly ImageEventTopics _topics;
    private readonly ImageDocumentClaims _claims;
    private readonly string _collection;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the outbox of <paramref name="collection"/>.</summary>
    public FirestoreAttestationOutbox(FirestoreDocumentStore documents, ImageAttestor attestor, ImageEventTopics topics, ImageDocumentClaims claims, string collection, TimeProvider timeProvider, ILogger logger)
    {
        _documents = documents;
        _attestor = attestor;
        _topics = topics;
        _claims = claims;
        _collection = collection;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Carries out <paramref name="record"/>'s pending action (committed at <paramref name="version"/>, when known) and records
    /// it, its event claimed by <paramref name="outboxClaim"/> (the caller publishes it); returns the record, outbox and
    /// version after that write.
    /// </summary>
    /// <exception cref="TransientFailureException">Cloud KMS, Container Analysis or Firestore failed: the action stays pending.</exception>
    public async Task<(ImageRecord Record, ImmutableArray<OutboxEvent> Outbox, DateTimeOffset? Version)> CarryOutAsync(ImageRecord record, ImmutableArray<OutboxEvent> outbox, DateTimeOffset? version, OutboxClaim outboxClaim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.PendingAttestation is not { } action)
        {
            return (record, outbox, version);
        }

        var key = record.Key;
        var claimed = await ClaimAsync(record, action, version, cancellationToken).ConfigureAwait(false);
        version = claimed;
        ImageAttestation? attestation = null;
        ImageEvent done;
        if (action == AttestationAction.Attest)
        {
            try
            {
                attestation = await _attestor.AttestAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFailureException)
            {
                await ReleaseAsync(key, claimed).ConfigureAwait(false);
                throw;
            }

            done = ImageEvent.Attested($"{key} attested by {attestation.OccurrenceName}");
        }
        else
        {
            int deleted;
            try
            {
                deleted = await _attestor.WithdrawAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFailureException)
            {
                await ReleaseAsync(key, claimed).ConfigureAwait(false);
                throw;
            }

            if (deleted == 0 && record.Attestation is null)
            {
                // Nothing existed: only the pending action is cleared, no event is raised.
                return await RecordAsync(record, action, null, null, outbox, version, outboxClaim, cancellationToken).ConfigureAwait(false);
            }

            done = ImageEvent.AttestationWithdrawn(ImageEventSeverities.Info, $"{key} is {record.Status.ToWire()}: {deleted} attestation(s) withdrawn");
        }

        return await RecordAsync(record, action, attestation, done, outbox, version, outboxClaim, cancellationToken).ConfigureAwait(false);
    }

    // One conditional write makes this delivery the only one carrying out the action: a concurrent delivery either loses the
    // write (the version moved) or sees the live claim, and answers 503 so its message comes back after the action is done.
    private async Task<DateTimeOffset> ClaimAsync(ImageRecord record, AttestationAction action, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        var key = record.Key;
        var now = _timeProvider.GetUtcNow();
        if (version is null)
        {
            var document = await _documents.GetAsync(_collection, ImageDocumentIds.For(key), cancellationToken).ConfigureAwait(false)
                ?? throw new TransientFailureException($"{key} disappeared before its attestation action {action.ToWire()} could be carried out");
            record = ImageRecordDocument.Read(document).Record;
            version = document.UpdateTime;
            if (record.PendingAttestation != action)
            {
                throw new TransientFailureException($"the attestation action of {key} changed to {record.PendingAttestation?.ToWire() ?? "none"} meanwhile; retry");
            }
        }

        if (record.AttestationClaimedUntil is { } until && until > now)
        {
            throw new TransientFailureException($"another delivery is carrying out the attestation action {action.ToWire()} of {key} (claimed until {until:O}); retry");
        }

        var claim = new Dictionary<string, FirestoreValue>(StringComparer.Ordinal) { [ImageRecordDocument.AttestationClaimField] = FirestoreValue.Timestamp(ImageDocumentClaims.Until(now)) };
        return await _claims.TryUpdateAsync(key, claim, version.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new TransientFailureException($"{key} changed while its attestation action {action.ToWire()} was being claimed (another delivery may be carrying it out); retry");
    }

    // A released claim lets the retry start at once; an unreleased one only makes it wait for the claim to pass.
    private Task ReleaseAsync(ImageKey key, DateTimeOffset claimed)
        => _claims.ReleaseAsync(key, new Dictionary<string, FirestoreValue>(StringComparer.Ordinal) { [ImageRecordDocument.AttestationClaimField] = FirestoreValue.Null }, claimed);

    private async Task<(ImageRecord, ImmutableArray<OutboxEvent>, DateTimeOffset?)> RecordAsync(ImageRecord record, AttestationAction action, ImageAttestation? attestation, ImageEvent? done, ImmutableArray<OutboxEvent> outbox, DateTimeOffset? version, OutboxClaim outboxClaim, CancellationToken cancellationToken)
    {
        var key = record.Key;
        var documentId = ImageDocumentIds.For(key);
        var now = _timeProvider.GetUtcNow();
        var after = record with { Attestation = attestation, PendingAttestation = null, AttestationClaimedUntil = null };
        var events = done is null ? [] : Enqueue(after, done, action, attestation, version, now, outboxClaim);
        if (version is { } expected)
        {
            var next = outbox.AddRange(events);
            if (await _claims.TryUpdateAsync(key, Fields(after, next), expected, cancellationToken).ConfigureAwait(false) is { } at)
            {
                return (ImageRecordDocument.WithOutbox(after, next), next, at);
            }

            _logger.LogDebug("{Image} changed since its attestation action was committed; recording the outcome in a transaction", key);
        }

        // The document changed since (another change committed): what was done is recorded; a newer pending action is kept.
        StoredImageRecord? written = null;
        await _documents.RunTransactionAsync(
            async (transaction, ct) =>
            {
                var document = await transaction.GetAsync(_collection, documentId, ct).ConfigureAwait(false);
                if (document is null)
                {
                    return 0;
                }

                var stored = ImageRecordDocument.Read(document);
                var current = stored.Record with
                {
                    Attestation = attestation,
                    PendingAttestation = stored.Record.PendingAttestation == action ? null : stored.Record.PendingAttestation,
                    AttestationClaimedUntil = null,
                };
                var next = stored.Outbox.AddRange(events.Where(e => !stored.Outbox.Any(o => o.Event.Id == e.Event.Id)));
                transaction.Write(FirestoreWrite.Update(_collection, documentId, Fields(current, next)));
                written = new StoredImageRecord(ImageRecordDocument.WithOutbox(current, next), next);
                return 1;
            },
            cancellationToken).ConfigureAwait(false);

        // The version after a transaction is unknown here; the outbox is then marked sent with a read-modify-write.
        return written is null ? (after, outbox, null) : (written.Record, written.Outbox, null);
    }

    private ImmutableArray<OutboxEvent> Enqueue(ImageRecord record, ImageEvent done, AttestationAction action, ImageAttestation? attestation, DateTimeOffset? version, DateTimeOffset now, OutboxClaim claim)
    {
        if (_topics.TopicFor(done.Type) is not { } topic)
        {
            return [];
        }

        // Deterministic per outcome, so recording the same outcome twice (a lost answer, then a retry) yields one event id.
        var discriminator = attestation?.OccurrenceName ?? (version?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? now.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ImageDocumentIds.For(record.Key)}\n{action.ToWire()}\n{discriminator}")).AsSpan(0, 16));
        var messageId = record.ProcessedMessageIds.IsEmpty ? "attestation" : record.ProcessedMessageIds[^1];
        var previous = record.History.IsEmpty ? null : record.History[^1].From;
        return [new OutboxEvent(topic, ImageCloudEvents.ForImage(id, done, record, previous, messageId, now), now, claim)];
    }

    private static Dictionary<string, FirestoreValue> Fields(ImageRecord record, IEnumerable<OutboxEvent> outbox)
    {
        var fields = ImageRecordDocument.OutboxFields(outbox);
        fields[ImageRecordDocument.AttestationField] = ImageRecordDocument.AttestationValue(record.Attestation);
        fields[ImageRecordDocument.PendingAttestationField] = ImageRecordDocument.PendingAttestationValue(record.PendingAttestation);
        fields[ImageRecordDocument.AttestationClaimField] = FirestoreValue.Null;
        return fields;
    }
}
