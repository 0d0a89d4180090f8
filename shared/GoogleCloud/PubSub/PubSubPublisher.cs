namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>Publishes messages to a Pub/Sub topic of the configured project.</summary>
internal abstract class PubSubPublisher
{
    /// <summary>
    /// Publishes <paramref name="messages"/> in order, split into requests of at most 1,000 messages and 10 MB,
    /// sent one after another so messages sharing an ordering key keep their order.
    /// </summary>
    /// <param name="topicId">The topic id (not the full name), e.g. <c>imagetrust-alerts</c>.</param>
    /// <param name="messages">The messages; an empty list publishes nothing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The server-assigned message ids, in order.</returns>
    /// <exception cref="GoogleApiException">A non-retryable error (e.g. the topic does not exist). Earlier batches may have been published.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Retries were exhausted. Earlier batches may have been published.</exception>
    public abstract Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default);
}
