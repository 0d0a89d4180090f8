namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>
/// Joins concurrent publishes to one topic into shared requests without waiting for a batch to fill: while a request to a
/// topic is in flight, later calls queue, and the next request carries all of them (within the inner publisher's limits of
/// 1,000 messages and 10 MB per request). An isolated call goes out at once; under load, N concurrent events cost a few
/// requests instead of N. Each caller's messages stay together and in order, so ordering keys keep their order.
/// </summary>
internal sealed class BatchingPubSubPublisher : PubSubPublisher
{
    private readonly PubSubPublisher _inner;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Pending>> _queues = new(StringComparer.Ordinal);
    private int _requestCount;

    /// <summary>Creates the publisher over <paramref name="inner"/>, which sends the requests.</summary>
    public BatchingPubSubPublisher(PubSubPublisher inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>How many requests were sent (for tests and metrics).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <inheritdoc />
    /// <remarks>Cancelling stops the wait, not a request already carrying the messages.</remarks>
    public override Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
    {
        PubSubNames.ValidateId(topicId, "topic");
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var pending = new Pending([.. messages]);
        bool start;
        lock (_lock)
        {
            start = !_queues.TryGetValue(topicId, out var queue);
            if (start)
            {
                queue = [];
                _queues.Add(topicId, queue);
            }

            queue!.Add(pending);
        }

        if (start)
        {
            _ = Task.Run(() => DrainAsync(topicId), CancellationToken.None);
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(string topicId)
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                var queue = _queues[topicId];
                if (queue.Count == 0)
                {
                    _queues.Remove(topicId);
                    return;
                }

                batch = Take(queue);
            }

            Interlocked.Increment(ref _requestCount);
            try
            {
                var ids = await _inner.PublishAsync(topicId, [.. batch.SelectMany(p => p.Messages)], CancellationToken.None).ConfigureAwait(false);
                var offset = 0;
                foreach (var caller in batch)
                {
                    caller.Completion.TrySetResult([.. ids.Skip(offset).Take(caller.Messages.Length)]);
                    offset += caller.Messages.Length;
                }
            }
            catch (Exception exception)
            {
                foreach (var caller in batch)
                {
                    caller.Completion.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>Removes from the queue's front the callers that fit one request (always at least one).</summary>
    private static List<Pending> Take(List<Pending> queue)
    {
        var count = 0;
        var messages = 0;
        long bytes = 0;
        while (count < queue.Count)
        {
            var next = queue[count];
            var nextBytes = next.Messages.Sum(m => (long)m.EncodedSize);
            if (count > 0 && (messages + next.Messages.Length > RestPubSubPublisher.MaxMessagesPerRequest || bytes + nextBytes > RestPubSubPublisher.MaxBytesPerRequest))
            {
                break;
            }

            messages += next.Messages.Length;
            bytes += nextBytes;
            count++;
        }

        var batch = queue.GetRange(0, count);
        queue.RemoveRange(0, count);
        return batch;
    }

    private sealed class Pending
    {
        public Pending(PubSubMessage[] messages)
        {
            Messages = messages;
        }

        public PubSubMessage[] Messages { get; }

        public TaskCompletionSource<IReadOnlyList<string>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
