using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Wire;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>
/// The outbox of the image documents: events are enqueued into the same write as the change that raised them, published after
/// the commit, then removed from the document (by the publishing delivery, or, when they are confirmed by subscription, by
/// the drain: <see cref="ConfirmAsync"/>). Each entry is claimed (<see cref="OutboxEvent.Claim"/>) by the delivery
/// that will publish it, in the write that commits it or in one conditional write before publishing, so concurrent deliveries
/// of one image never publish the same entry. An entry is published again only when its publisher died or timed out between
/// publishing and marking it sent (the claim lapses): the same CloudEvent id, which consumers deduplicate.
/// </summary>
internal sealed class FirestoreOutbox
{
    private readonly FirestoreDocumentStore _documents;
    private readonly PubSubPublisher _publisher;
    private readonly ImageEventTopics _topics;
    private readonly ImageDocumentClaims _claims;
    private readonly string _collection;
    private readonly ILogger _logger;

    /// <summary>Creates the outbox of <paramref name="collection"/>.</summary>
    public FirestoreOutbox(FirestoreDocumentStore documents, PubSubPublisher publisher, ImageEventTopics topics, ImageDocumentClaims claims, string collection, ILogger logger)
    {
        _documents = documents;
        _publisher = publisher;
        _topics = topics;
        _claims = claims;
        _collection = collection;
        _logger = logger;
    }

    /// <summary>
    /// The outbox entries for the events <paramref name="update"/> raises (those of a type no topic is configured for are
    /// dropped), each with an id derived from the image, the causing message and the event's position, held by
    /// <paramref name="claim"/>.
    /// </summary>
    public ImmutableArray<OutboxEvent> Enqueue(RecordUpdate update, ImageStatus? previousStatus, DateTimeOffset now, OutboxClaim claim)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update is not { Next: { } record, MessageId: { } messageId })
        {
            return [];
        }

        var events = ImmutableArray.CreateBuilder<OutboxEvent>();
        for (var i = 0; i < update.Events.Length; i++)
        {
            var imageEvent = update.Events[i];
            if (_topics.TopicFor(imageEvent.Type) is { } topic)
            {
                var cloudEvent = ImageCloudEvents.ForImage(EventId(record.Key, messageId, i), imageEvent, record, previousStatus, messageId, now);
                events.Add(new OutboxEvent(topic, cloudEvent, now, claim));
            }
        }

        return events.ToImmutable();
    }

    /// <summary>
    /// <paramref name="outbox"/> with every entry nobody holds at <paramref name="now"/> claimed by <paramref name="claim"/>;
    /// entries another delivery holds stay as they are.
    /// </summary>
    public static ImmutableArray<OutboxEvent> ClaimFree(ImmutableArray<OutboxEvent> outbox, DateTimeOffset now, OutboxClaim claim)
        => [.. outbox.Select(e => e.IsHeldAt(now) ? e : e with { Claim = claim })];

    /// <summary>
    /// Publishes the entries of <paramref name="outbox"/> (the document's at <paramref name="version"/>, when known) that
    /// <paramref name="claim"/> holds, after first claiming, with one conditional write, those nobody holds; then removes what
    /// was published and gives back the claim on what was not. Entries another delivery holds are left to it. Returns how many
    /// were published.
    /// </summary>
    /// <exception cref="TransientFailureException">Some events could not be published (they stay in the outbox, free for the
    /// retry or the sweep's drain), or Firestore is unavailable.</exception>
    public async Task<int> PublishAsync(ImageKey key, ImmutableArray<OutboxEvent> outbox, DateTimeOffset? version, DateTimeOffset now, OutboxClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (outbox.Any(e => !e.IsHeldAt(now)))
        {
            var claimed = ClaimFree(outbox, now, claim);
            if (version is { } read && await _claims.TryUpdateAsync(key, ImageRecordDocument.OutboxFields(claimed), read, cancellationToken).ConfigureAwait(false) is { } at)
            {
                (outbox, version) = (claimed, at);
            }
            else
            {
                // Another write came first: it claimed the free entries itself or left them to a retry or the drain.
                _logger.LogDebug("{Image} changed before its free outbox entries could be claimed; leaving them", key);
            }
        }

        var held = outbox.Where(e => e.IsHeldBy(claim)).ToList();
        if (held.Count == 0)
        {
            return 0;
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        Exception? failure = null;
        foreach (var group in held.GroupBy(e => e.Topic, StringComparer.Ordinal))
        {
            try
            {
                var messages = group.Select(e => PubSubMessage.FromText(e.Event.Json, e.Event.Attributes, key.Digest.ToString())).ToList();
                await _publisher.PublishAsync(group.Key, messages, cancellationToken).ConfigureAwait(false);
                sent.UnionWith(group.Select(e => e.Event.Id));
            }
            catch (Exception exception) when (exception is TransientFailureException or GoogleApiException or FormatException)
            {
                _logger.LogWarning("Publishing {Count} event(s) for {Image} to {Topic} failed; they stay in the outbox: {Error}", group.Count(), key, group.Key, exception.Message);
                failure ??= exception;
            }
        }

        if (failure is null && _topics.ConfirmsBySubscription)
        {
            // The drain removes them once their confirmation subscription has them; until then this claim holds them.
            return sent.Count;
        }

        var unsent = held.Select(e => e.Event.Id).Where(id => !sent.Contains(id)).ToHashSet(StringComparer.Ordinal);
        await SettleAsync(key, outbox, sent, unsent, claim, version, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new TransientFailureException($"published {sent.Count} of {held.Count} event(s) for {key}; the rest stay in the outbox until a retry or the sweep", failure);
        }

        return sent.Count;
    }

    // A deterministic id, so a re-publish after a crash carries the same one.
    private static string EventId(ImageKey key, string messageId, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{ImageDocumentIds.For(key)}\n{messageId}\n{index}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    // One write removes what was published and gives back the claim on what was not, so the drain can take it at once.
    private static IEnumerable<OutboxEvent> Settled(IEnumerable<OutboxEvent> outbox, HashSet<string> sent, HashSet<string> unsent, OutboxClaim claim)
        => outbox.Where(e => !sent.Contains(e.Event.Id)).Select(e => unsent.Contains(e.Event.Id) && e.IsHeldBy(claim) ? e with { Claim = null } : e);

    private async Task SettleAsync(ImageKey key, ImmutableArray<OutboxEvent> outboxAtVersion, HashSet<string> sent, HashSet<string> unsent, OutboxClaim claim, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        // Knowing the version the outbox was read or committed at makes this one conditional write.
        if (version is { } expected
            && await _claims.TryUpdateAsync(key, ImageRecordDocument.OutboxFields(Settled(outboxAtVersion, sent, unsent, claim)), expected, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        // Someone wrote the document since: a read-modify-write, which keeps their entries and their claims.
        await RewriteAsync(key, outbox => Settled(outbox, sent, unsent, claim).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes from the outboxes of the images in <paramref name="published"/> their entries for <paramref name="topic"/> whose
    /// CloudEvent is, byte for byte, one of the messages pulled for that image from the topic's confirmation subscription:
    /// published, so done. A message that matches no entry (already removed, or not ours) changes nothing. One read and one
    /// commit for all the images; when one of them changed since the read, each is rewritten on its own. Returns how many
    /// entries were removed.
    /// </summary>
    /// <exception cref="TransientFailureException">Firestore is unavailable.</exception>
    public async Task<int> ConfirmAsync(string topic, IReadOnlyDictionary<ImageKey, List<ReadOnlyMemory<byte>>> published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(published);
        var keys = published.Keys.ToDictionary(ImageDocumentIds.For, StringComparer.Ordinal);
        var documents = await _documents.GetManyAsync(_collection, keys.Keys, cancellationToken).ConfigureAwait(false);
        var writes = new List<FirestoreWrite>();
        var removed = 0;
        foreach (var (id, document) in documents)
        {
            ImmutableArray<OutboxEvent> outbox;
            try
            {
                outbox = ImageRecordDocument.Read(document).Outbox;
            }
            catch (FormatException exception)
            {
                _logger.LogWarning("{Image}: its document cannot be read, so its confirmations are dropped: {Error}", keys[id], exception.Message);
                continue;
            }

            var kept = Unconfirmed(outbox, topic, published[keys[id]]);
            if (kept.Count < outbox.Length)
            {
                writes.Add(FirestoreWrite.Update(_collection, id, ImageRecordDocument.OutboxFields(kept), expectedUpdateTime: document.UpdateTime));
                removed += outbox.Length - kept.Count;
            }
        }

        if (writes.Count == 0)
        {
            return 0;
        }

        try
        {
            await _documents.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            return removed;
        }
        catch (GoogleApiException exception) when (ImageDocumentClaims.IsLostRace(exception))
        {
            _logger.LogDebug("An image changed while its confirmations were read; confirming each on its own: {Error}", exception.Message);
        }

        removed = 0;
        foreach (var (key, data) in published)
        {
            removed += await RewriteAsync(key, outbox => Unconfirmed(outbox, topic, data), cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private static List<OutboxEvent> Unconfirmed(ImmutableArray<OutboxEvent> outbox, string topic, List<ReadOnlyMemory<byte>> published)
        => [.. outbox.Where(e => e.Topic != topic || !IsPublished(Encoding.UTF8.GetBytes(e.Event.Json), published))];

    // The entry's bytes are encoded once by the caller, not once per message compared.
    private static bool IsPublished(byte[] entry, List<ReadOnlyMemory<byte>> published)
        => published.Exists(data => data.Span.SequenceEqual(entry));

    // A read-modify-write of the outbox in a transaction; returns how many entries it removed.
    private async Task<int> RewriteAsync(ImageKey key, Func<ImmutableArray<OutboxEvent>, List<OutboxEvent>> change, CancellationToken cancellationToken)
    {
        var documentId = ImageDocumentIds.For(key);
        var (removed, _) = await _documents.RunTransactionAsync(
            async (transaction, ct) =>
            {
                var document = await transaction.GetAsync(_collection, documentId, ct).ConfigureAwait(false);
                if (document is null)
                {
                    return 0;
                }

                var outbox = ImageRecordDocument.Read(document).Outbox;
                var changed = change(outbox);
                if (changed.SequenceEqual(outbox))
                {
                    return 0;
                }

                transaction.Write(FirestoreWrite.Update(_collection, documentId, ImageRecordDocument.OutboxFields(changed)));
                return outbox.Length - changed.Count;
            },
            cancellationToken).ConfigureAwait(false);
        return removed;
    }
}
