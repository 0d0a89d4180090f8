using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.PubSub;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class RestPubSubSubscriberTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public RestPubSubSubscriberTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task PullAsync_PublishedMessages_ReturnedThenGoneOnceAcknowledged()
    {
        var (_, publisher, subscriber, admin) = Create();
        await admin.CreateTopicAsync("sub-events");
        await admin.CreateSubscriptionAsync("sub-events-pull", "sub-events", ackDeadlineSeconds: 60);
        var ids = await publisher.PublishAsync("sub-events", [PubSubMessage.FromText("{\"n\":1}", new Dictionary<string, string> { ["digest"] = "sha256:abc" }), PubSubMessage.FromText("{\"n\":2}")]);

        var pulled = await PullUntilAsync(subscriber, "sub-events-pull", 2);
        await subscriber.AcknowledgeAsync("sub-events-pull", [.. pulled.Select(m => m.AckId)]);
        var after = await subscriber.PullAsync("sub-events-pull", 10, 1024 * 1024);

        Assert.Equal(ids.Order(), pulled.Select(m => m.MessageId).Order());
        Assert.Contains(pulled, m => Encoding.UTF8.GetString(m.Message.Data.Span) == "{\"n\":1}" && m.Message.Attributes["digest"] == "sha256:abc");
        Assert.All(pulled, m => Assert.NotNull(m.PublishTime));
        Assert.Empty(after);
    }

    [Fact]
    public async Task PullAsync_NothingPublished_ReturnsEmptyWithoutWaiting()
    {
        var (_, _, subscriber, admin) = Create();
        await admin.CreateTopicAsync("sub-empty");
        await admin.CreateSubscriptionAsync("sub-empty-pull", "sub-empty");
        var watch = Stopwatch.StartNew();

        var pulled = await subscriber.PullAsync("sub-empty-pull", 100, 1024 * 1024);

        Assert.Empty(pulled);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task PullAsync_ResponseOverTheBound_ThrowsAndTheMessagesComeBack()
    {
        var (_, publisher, subscriber, admin) = Create();
        await admin.CreateTopicAsync("sub-big");
        await admin.CreateSubscriptionAsync("sub-big-pull", "sub-big");
        await publisher.PublishAsync("sub-big", [PubSubMessage.Create(new byte[200_000]), PubSubMessage.Create(new byte[200_000])]);

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => subscriber.PullAsync("sub-big-pull", 10, 100_000));
        var later = await PullUntilAsync(subscriber, "sub-big-pull", 2, TimeSpan.FromSeconds(40));

        Assert.Contains("limit", exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, later.Count);
    }

    [Fact]
    public async Task PullAsync_SubscriptionMissing_ThrowsNotFound()
    {
        var (_, _, subscriber, _) = Create();

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => subscriber.PullAsync("no-such-subscription", 10, 1024 * 1024));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatus);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task PullAsync_MaxMessagesOutOfRange_Throws(int maxMessages)
    {
        var (_, _, subscriber, _) = Create();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => subscriber.PullAsync("any-subscription", maxMessages, 1024));
    }

    [Fact]
    public async Task AcknowledgeAsync_2500Messages_TwoRequestsAndNoneComeBack()
    {
        var (handler, publisher, subscriber, admin) = Create();
        await admin.CreateTopicAsync("sub-bulk");
        await admin.CreateSubscriptionAsync("sub-bulk-pull", "sub-bulk", ackDeadlineSeconds: 60);
        await publisher.PublishAsync("sub-bulk", [.. Enumerable.Range(0, 2500).Select(i => PubSubMessage.FromText($"m{i}"))]);
        var pulled = await PullUntilAsync(subscriber, "sub-bulk-pull", 2500);
        var before = handler.Requests.Count(r => r.Path.EndsWith(":acknowledge", StringComparison.Ordinal));

        await subscriber.AcknowledgeAsync("sub-bulk-pull", [.. pulled.Select(m => m.AckId)]);

        Assert.Equal(2, handler.Requests.Count(r => r.Path.EndsWith(":acknowledge", StringComparison.Ordinal)) - before);
        Assert.Equal(2500, pulled.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task PullAndAcknowledge_RequestBodies_MatchDiscoverySchema()
    {
        var (handler, publisher, subscriber, admin) = Create();
        await admin.CreateTopicAsync("sub-schema");
        await admin.CreateSubscriptionAsync("sub-schema-pull", "sub-schema");
        await publisher.PublishAsync("sub-schema", [PubSubMessage.FromText("x")]);
        var pulled = await PullUntilAsync(subscriber, "sub-schema-pull", 1);
        await subscriber.AcknowledgeAsync("sub-schema-pull", [.. pulled.Select(m => m.AckId)]);
        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("pubsub.v1.json"));
        var pull = handler.Requests.Last(r => r.Path.EndsWith(":pull", StringComparison.Ordinal)).Body;
        var acknowledge = handler.Requests.Last(r => r.Path.EndsWith(":acknowledge", StringComparison.Ordinal)).Body;

        Assert.Empty(checker.Check(JsonNode.Parse(pull!), "PullRequest", "maxMessages"));
        Assert.Empty(checker.Check(JsonNode.Parse(acknowledge!), "AcknowledgeRequest", "ackIds"));
        Assert.NotEmpty(checker.Check(JsonNode.Parse("{\"maxMessage\":1}"), "PullRequest"));
    }

    private static async Task<List<ReceivedPubSubMessage>> PullUntilAsync(RestPubSubSubscriber subscriber, string subscription, int expected, TimeSpan? within = null)
    {
        var received = new List<ReceivedPubSubMessage>();
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var batch = await subscriber.PullAsync(subscription, 1000, 64 * 1024 * 1024);
            received.AddRange(batch);
            if (batch.Count == 0)
            {
                await Task.Delay(100);
            }
        }

        return received;
    }

    private (RecordingHandler Handler, RestPubSubPublisher Publisher, RestPubSubSubscriber Subscriber, PubSubAdmin Admin) Create()
    {
        var settings = _emulators.CreateSettings();
        var handler = new RecordingHandler();
        var http = new HttpClient(handler);
        var publisher = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
        var subscriber = new RestPubSubSubscriber(http, settings, null, TimeProvider.System, NullLogger.Instance);
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        return (handler, publisher, subscriber, admin);
    }
}
