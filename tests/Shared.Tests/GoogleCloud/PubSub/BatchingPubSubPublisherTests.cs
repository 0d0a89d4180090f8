using System.Text;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.PubSub;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class BatchingPubSubPublisherTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public BatchingPubSubPublisherTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task PublishAsync_ManyConcurrentCallers_FewerRequestsAndEachGetsItsOwnIds()
    {
        var settings = _emulators.CreateSettings();
        var http = new HttpClient();
        var inner = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        await admin.CreateTopicAsync("batched");
        await admin.CreateSubscriptionAsync("batched-pull", "batched");
        var publisher = new BatchingPubSubPublisher(inner);

        var calls = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => publisher.PublishAsync("batched", [PubSubMessage.FromText($"c{i}-a"), PubSubMessage.FromText($"c{i}-b")]))));

        Assert.All(calls, ids => Assert.Equal(2, ids.Count));
        Assert.Equal(128, calls.SelectMany(ids => ids).Distinct().Count());
        Assert.InRange(publisher.RequestCount, 1, 63);
        var received = new Dictionary<string, string>();
        for (var attempt = 0; attempt < 100 && received.Count < 128; attempt++)
        {
            var batch = await admin.PullAsync("batched-pull", 1000);
            foreach (var message in batch)
            {
                received[message.MessageId] = Encoding.UTF8.GetString(message.Message.Data.Span);
            }

            await admin.AcknowledgeAsync("batched-pull", batch.Select(b => b.AckId).ToList());
        }

        // Each caller's ids name exactly its own messages, in its order.
        for (var i = 0; i < calls.Length; i++)
        {
            Assert.Equal($"c{i}-a", received[calls[i][0]]);
            Assert.Equal($"c{i}-b", received[calls[i][1]]);
        }
    }

    [Fact]
    public async Task PublishAsync_RequestFails_OnlyItsCallersFailAndQueuedCallersGoInTheNext()
    {
        var inner = new ScriptedPublisher(failFirst: true);
        var publisher = new BatchingPubSubPublisher(inner);
        var first = publisher.PublishAsync("topic", [PubSubMessage.FromText("1")]);
        await inner.Started.Task;
        var joined = new[] { publisher.PublishAsync("topic", [PubSubMessage.FromText("2")]), publisher.PublishAsync("topic", [PubSubMessage.FromText("3")]) };

        inner.Release();

        await Assert.ThrowsAsync<TransientFailureException>(() => first);
        await Task.WhenAll(joined);
        Assert.Equal(["1"], inner.Sent[0]);
        Assert.Equal(["2", "3"], inner.Sent[1]);
    }

    [Fact]
    public async Task PublishAsync_NoMessages_SendsNothing()
    {
        var inner = new ScriptedPublisher(failFirst: false);
        var publisher = new BatchingPubSubPublisher(inner);
        inner.Release();

        Assert.Empty(await publisher.PublishAsync("topic", []));
        Assert.Empty(inner.Sent);
    }

    /// <summary>Holds the first request until released (so later calls queue behind it), then answers ids per message.</summary>
    private sealed class ScriptedPublisher : PubSubPublisher
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly bool _failFirst;

        public ScriptedPublisher(bool failFirst)
        {
            _failFirst = failFirst;
        }

        public List<string[]> Sent { get; } = [];

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public override async Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            await _release.Task;
            lock (Sent)
            {
                Sent.Add([.. messages.Select(m => Encoding.UTF8.GetString(m.Data.Span))]);
                if (_failFirst && Sent.Count == 1)
                {
                    throw new TransientFailureException("unavailable");
                }

                return [.. messages.Select((_, i) => $"{Sent.Count}-{i}")];
            }
        }
    }
}
