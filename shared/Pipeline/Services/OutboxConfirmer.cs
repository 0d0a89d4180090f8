using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Confirms published events for the drain (<see cref="ImageEventTopics.ConfirmsBySubscription"/>): pulls what reached each
/// event topic from its private confirmation subscription, removes the matching outbox entries (one Firestore read and one
/// commit per pull of up to <see cref="PullSize"/> events) and only then acknowledges. The request that published an event therefore ends after the
/// publish; an entry whose confirmation never comes is published again once its claim lapses, so nothing is lost.
/// </summary>
internal sealed class OutboxConfirmer
{
    /// <summary>The most messages one pull asks for: an event is a few KB, so a pull stays well inside <see cref="MaxPullBytes"/>.</summary>
    public const int PullSize = 100;

    /// <summary>The largest pull response read (room for two of Pub/Sub's largest messages).</summary>
    public const long MaxPullBytes = 32L * 1024 * 1024;

    /// <summary>The most messages one run confirms per subscription; the rest waits for the next run.</summary>
    public const int MaxMessagesPerRun = 10_000;

    private readonly ImageRecordStore _records;
    private readonly RestPubSubSubscriber _subscriber;
    private readonly ImageEventTopics _topics;
    private readonly ILogger<OutboxConfirmer> _logger;

    /// <summary>Creates the confirmer of <paramref name="topics"/>' confirmation subscriptions.</summary>
    public OutboxConfirmer(ImageRecordStore records, RestPubSubSubscriber subscriber, ImageEventTopics topics, ILogger<OutboxConfirmer> logger)
    {
        _records = records;
        _subscriber = subscriber;
        _topics = topics;
        _logger = logger;
    }

    /// <summary>
    /// Confirms what each confirmation subscription holds, up to <see cref="MaxMessagesPerRun"/> per subscription; returns
    /// how many outbox entries were removed. A subscription Pub/Sub refuses (missing, no permission) is logged and skipped,
    /// so the drain still republishes lapsed entries.
    /// </summary>
    /// <exception cref="TransientFailureException">Pub/Sub or Firestore is unavailable; unacknowledged messages come back.</exception>
    public async Task<int> ConfirmAsync(CancellationToken cancellationToken = default)
    {
        var confirmed = 0;
        foreach (var (topic, subscription) in _topics.Confirmations)
        {
            try
            {
                confirmed += await ConfirmAsync(topic, subscription, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException exception)
            {
                _logger.LogError("Confirmation subscription {Subscription} of {Topic} failed; its events are published again when their claims lapse: {Error}", subscription, topic, exception.Message);
            }
        }

        return confirmed;
    }

    private async Task<int> ConfirmAsync(string topic, string subscription, CancellationToken cancellationToken)
    {
        var (pulled, confirmed) = (0, 0);
        while (pulled < MaxMessagesPerRun)
        {
            var batch = await _subscriber.PullAsync(subscription, PullSize, MaxPullBytes, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            pulled += batch.Count;
            if (ByImage(batch) is { Count: > 0 } published)
            {
                confirmed += await _records.ConfirmPublishedAsync(topic, published, cancellationToken).ConfigureAwait(false);
            }

            // Acknowledged after the writes: a failed write leaves its messages to come back.
            await _subscriber.AcknowledgeAsync(subscription, [.. batch.Select(m => m.AckId)], cancellationToken).ConfigureAwait(false);
        }

        if (pulled > 0)
        {
            _logger.LogInformation("Confirmation subscription {Subscription}: {Pulled} published event(s) read, {Confirmed} outbox event(s) marked sent", subscription, pulled, confirmed);
        }

        return confirmed;
    }

    // Our events carry the image in their repository and digest attributes; a message without them (a rejected-input alert,
    // or one published by someone else) matches no outbox entry and is only acknowledged.
    private Dictionary<ImageKey, List<ReadOnlyMemory<byte>>> ByImage(IEnumerable<ReceivedPubSubMessage> batch)
    {
        var groups = new Dictionary<ImageKey, List<ReadOnlyMemory<byte>>>();
        foreach (var received in batch)
        {
            var attributes = received.Message.Attributes;
            if (!attributes.TryGetValue("repository", out var repository) || !attributes.TryGetValue("digest", out var digest))
            {
                continue;
            }

            ImageKey key;
            try
            {
                key = ImageKey.Parse($"{repository}@{digest}");
            }
            catch (FormatException)
            {
                _logger.LogDebug("Message {MessageId} names no image ({Repository}@{Digest}); acknowledged", received.MessageId, repository, digest);
                continue;
            }

            if (!groups.TryGetValue(key, out var published))
            {
                groups[key] = published = [];
            }

            published.Add(received.Message.Data);
        }

        return groups;
    }
}
