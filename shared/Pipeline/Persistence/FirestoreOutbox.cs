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
/// the commit, then removed from the document. Publishing is at least once: a crash after publishing but before marking sent
/// re-publishes the same CloudEvent ids, which consumers can deduplicate.
/// </summary>
internal sealed class FirestoreOutbox
{
    private readonly FirestoreDocumentStore _documents;
    private readonly PubSubPublisher _publisher;
    private readonly ImageEventTopics _topics;
    private readonly string _collection;
    private readonly ILogger _logger;

    /// <summary>Creates the outbox of <paramref name="collection"/>.</summary>
    public FirestoreOutbox(FirestoreDocumentStore documents, PubSubPublisher publisher, ImageEventTopics topics, string collection, ILogger logger)
    {
        _documents = documents;
        _publisher = publisher;
        _topics = topics;
        _collection = collection;
        _logger = logger;
    }

    /// <summary>
    /// The outbox entries for the events <paramref name="update"/> raises (those of a type no topic is configured for are
    /// dropped), each with an id derived from the image, the causing message and the event's position.
    /// </summary>
    public ImmutableArray<OutboxEvent> Enqueue(RecordUpdate update, ImageStatus? previousStatus, DateTimeOffset now)
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
                events.Add(new OutboxEvent(topic, cloudEvent, now));
            }
        }

        return events.ToImmutable();
    }

    /// <summary>
    /// Publishes <paramref name="pending"/> (the outbox at <paramref name="version"/>, when known) and removes what was published
    /// from the document; returns how many were published.
    /// </summary>
    /// <exception cref="TransientFailureException">Some events could not be published (they stay in the outbox), or Firestore is unavailable.</exception>
    public async Task<int> PublishAsync(ImageKey key, ImmutableArray<OutboxEvent> pending, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        var sent = new HashSet<string>(StringComparer.Ordinal);
        Exception? failure = null;
        foreach (var group in pending.GroupBy(e => e.Topic, StringComparer.Ordinal))
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

    // A deterministic id, so a re-publish after a crash carries the same one.
    private static string EventId(ImageKey key, string messageId, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{ImageDocumentIds.For(key)}\n{messageId}\n{index}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private async Task MarkSentAsync(ImageKey key, ImmutableArray<OutboxEvent> outboxAtVersion, HashSet<string> sent, DateTimeOffset? version, CancellationToken cancellationToken)
    {
        var documentId = ImageDocumentIds.For(key);
        if (version is { } expected)
        {
            // Knowing the version the outbox was read or committed at makes marking sent one conditional write.
            try
            {
                var remaining = ImageRecordDocument.OutboxValue(outboxAtVersion.Where(e => !sent.Contains(e.Event.Id)));
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

                var outbox = ImageRecordDocument.Read(document).Outbox;
                var remaining = outbox.Where(e => !sent.Contains(e.Event.Id)).ToList();
                if (remaining.Count == outbox.Length)
                {
                    return 0;
                }

                transaction.Write(FirestoreWrite.Update(_collection, documentId, new Dictionary<string, FirestoreValue> { [ImageRecordDocument.OutboxField] = ImageRecordDocument.OutboxValue(remaining) }));
                return outbox.Length - remaining.Count;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
