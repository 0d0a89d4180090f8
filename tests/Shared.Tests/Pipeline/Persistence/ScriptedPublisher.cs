using ImageTrust.GoogleCloud.PubSub;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>
/// Forwards to a real publisher (the emulator), with two scripted moments: the first publish waits at a gate until the test
/// opens it (a delivery caught between its commit and its publish), and the first publish may be followed by an exception
/// after the messages went out (the answer lost, or the process dying before it marks them sent).
/// </summary>
internal sealed class ScriptedPublisher : PubSubPublisher
{
    private readonly PubSubPublisher _inner;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _gated;
    private Exception? _afterPublish;
    private int _calls;

    public ScriptedPublisher(PubSubPublisher inner, bool gated = false, Exception? afterFirstPublish = null)
    {
        _inner = inner;
        _gated = gated;
        _afterPublish = afterFirstPublish;
    }

    /// <summary>Completes when the first publish reached the gate.</summary>
    public Task Entered => _entered.Task;

    public int Calls => Volatile.Read(ref _calls);

    public void Open() => _gate.TrySetResult();

    public override async Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _calls) == 1 && _gated)
        {
            _entered.TrySetResult();
            await _gate.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        var ids = await _inner.PublishAsync(topicId, messages, cancellationToken);
        if (Interlocked.Exchange(ref _afterPublish, null) is { } failure)
        {
            throw failure;
        }

        return ids;
    }
}
