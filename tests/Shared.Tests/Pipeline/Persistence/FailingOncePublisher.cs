using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>Simulates a crash between commit and publish: the first <c>failures</c> publishes fail, later ones go to the real emulator.</summary>
internal sealed class FailingOncePublisher : PubSubPublisher
{
    private readonly PubSubPublisher _inner;
    private int _failuresLeft;

    public FailingOncePublisher(PubSubPublisher inner, int failures = 1)
    {
        _inner = inner;
        _failuresLeft = failures;
    }

    public int Calls { get; private set; }

    public override Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
    {
        Calls++;
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new TransientFailureException("simulated crash before publish");
        }

        return _inner.PublishAsync(topicId, messages, cancellationToken);
    }
}
