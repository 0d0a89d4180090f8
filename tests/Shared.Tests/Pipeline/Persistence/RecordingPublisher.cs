using System.Collections.Concurrent;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>Forwards to a real publisher (the emulator) and keeps what was published; can refuse while <see cref="Down"/>.</summary>
internal sealed class RecordingPublisher : PubSubPublisher
{
    private readonly PubSubPublisher? _inner;

    public RecordingPublisher(PubSubPublisher? inner)
    {
        _inner = inner;
    }

    /// <summary>While true every publish fails as if Pub/Sub were unavailable (a crash between commit and publish).</summary>
    public bool Down { get; set; }

    public ConcurrentQueue<(string Topic, PubSubMessage Message)> Published { get; } = new();

    public override async Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            throw new TransientFailureException("simulated Pub/Sub outage");
        }

        var ids = _inner is null ? [.. messages.Select((_, i) => $"local-{i}")] : await _inner.PublishAsync(topicId, messages, cancellationToken);
        foreach (var message in messages)
        {
            Published.Enqueue((topicId, message));
        }

        return ids;
    }
}
