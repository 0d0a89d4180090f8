using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>Wraps the real publisher and fails the first publish to one topic, as a crash between commit and publish would.</summary>
internal sealed class FailingOncePublisher : PubSubPublisher
{
    private readonly PubSubPublisher _inner;
    private readonly string _topic;
    private int _failed;

    public FailingOncePublisher(PubSubPublisher inner, string topic)
    {
        _inner = inner;
        _topic = topic;
    }

    public override Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
    {
        if (topicId == _topic && Interlocked.Exchange(ref _failed, 1) == 0)
        {
            throw new TransientFailureException("simulated crash before publishing");
        }

        return _inner.PublishAsync(topicId, messages, cancellationToken);
    }
}
