using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.PubSub;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class RestPubSubPublisherTests
{
    private static readonly RetryPolicy FastRetry = new() { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20), MaxAttempts = 5, TotalTimeout = TimeSpan.FromSeconds(10) };

    private readonly GoogleEmulatorsFixture _emulators;

    public RestPubSubPublisherTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task PublishAsync_AttributesAndOrderingKey_ArriveOnPullSubscription()
    {
        var (_, _, publisher, admin) = Create();
        await admin.CreateTopicAsync("events");
        await admin.CreateSubscriptionAsync("events-pull", "events", enableMessageOrdering: true);
        var first = PubSubMessage.FromText("{\"n\":1}", new Dictionary<string, string> { ["type"] = "dev.imagetrust.alert.v1", ["severity"] = "HIGH" }, "sha256:abc");
        var second = PubSubMessage.FromText("{\"n\":2}", new Dictionary<string, string> { ["type"] = "dev.imagetrust.alert.v1" }, "sha256:abc");

        var ids = await publisher.PublishAsync("events", [first, second]);
        var received = await PullAllAsync(admin, "events-pull", 2);

        Assert.Equal(2, ids.Count);
        Assert.Equal(ids, received.Select(r => r.MessageId));
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(received[0].Message.Data.Span));
        Assert.Equal("HIGH", received[0].Message.Attributes["severity"]);
        Assert.Equal("sha256:abc", received[1].Message.OrderingKey);
    }

    [Fact]
    public async Task PublishAsync_2500Messages_SplitsIntoThreeRequestsAndAllArrive()
    {
        var (_, handler, publisher, admin) = Create();
        await admin.CreateTopicAsync("bulk-topic");
        await admin.CreateSubscriptionAsync("bulk-pull", "bulk-topic");
        var messages = Enumerable.Range(0, 2500).Select(i => PubSubMessage.FromText($"m{i}")).ToList();
        var before = handler.Count;

        var ids = await publisher.PublishAsync("bulk-topic", messages);

        Assert.Equal(3, handler.Count - before);
        Assert.Equal(2500, ids.Distinct().Count());
        var received = await PullAllAsync(admin, "bulk-pull", 2500);
        Assert.Equal(2500, received.Select(r => Encoding.UTF8.GetString(r.Message.Data.Span)).Distinct().Count());
    }

    [Fact]
    public void Split_LargeMessages_StaysUnderTenMegabytesPerRequest()
    {
        var big = PubSubMessage.Create(new byte[3_000_000]);

        var batches = RestPubSubPublisher.Split([big, big, big, big, big]).ToList();

        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.True(b.Sum(m => m.EncodedSize) <= RestPubSubPublisher.MaxBytesPerRequest));
        Assert.Equal(5, batches.Sum(b => b.Count));
    }

    [Fact]
    public async Task PublishAsync_TopicMissing_IsNotRetried()
    {
        var (_, handler, publisher, _) = Create();
        var before = handler.Count;

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => publisher.PublishAsync("no-such-topic", [PubSubMessage.FromText("x")]));

        Assert.Equal(HttpStatusCode.NotFound, exception.HttpStatus);
        Assert.Equal("NOT_FOUND", exception.Status);
        Assert.Equal(1, handler.Count - before);
    }

    [Fact]
    public async Task PublishAsync_InvalidArgument_IsNotRetried()
    {
        var (_, handler, publisher, admin) = Create();
        await admin.CreateTopicAsync("bad-arg");
        handler.Inject(HttpStatusCode.BadRequest);
        var before = handler.Count;

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => publisher.PublishAsync("bad-arg", [PubSubMessage.FromText("x")]));

        Assert.Equal("INVALID_ARGUMENT", exception.Status);
        Assert.Equal(1, handler.Count - before);
    }

    [Fact]
    public async Task PublishAsync_UnavailableTwice_RetriesAndSucceeds()
    {
        var (_, handler, publisher, admin) = Create();
        await admin.CreateTopicAsync("flaky-topic");
        handler.Inject(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests);
        var before = handler.Count;

        var ids = await publisher.PublishAsync("flaky-topic", [PubSubMessage.FromText("x")]);

        Assert.Single(ids);
        Assert.Equal(3, handler.Count - before);
    }

    [Fact]
    public async Task PublishAsync_UnavailableBeyondAttempts_ThrowsTransientFailure()
    {
        var (_, handler, publisher, admin) = Create();
        await admin.CreateTopicAsync("down-topic");
        handler.Inject(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 5).ToArray());
        var before = handler.Count;

        await Assert.ThrowsAsync<TransientFailureException>(() => publisher.PublishAsync("down-topic", [PubSubMessage.FromText("x")]));

        Assert.Equal(FastRetry.MaxAttempts, handler.Count - before);
    }

    [Fact]
    public async Task PublishAsync_AlwaysUnavailable_GivesUpAtTheDeadlineNotTheAttemptLimit()
    {
        var settings = _emulators.CreateSettings();
        var handler = new RecordingHandler();
        var deadlineBound = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(100), MaxAttempts = 100, TotalTimeout = TimeSpan.FromMilliseconds(250) };
        var publisher = new RestPubSubPublisher(new HttpClient(handler), settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance, deadlineBound);
        handler.Inject(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 1000).ToArray());

        await Assert.ThrowsAsync<TransientFailureException>(() => publisher.PublishAsync("any-topic", [PubSubMessage.FromText("x")]));

        Assert.InRange(handler.Count, 2, 6);
    }

    [Fact]
    public async Task PublishAsync_RequestBody_MatchesDiscoverySchema()
    {
        var (_, handler, publisher, admin) = Create();
        await admin.CreateTopicAsync("schema-topic");
        await publisher.PublishAsync("schema-topic", [PubSubMessage.FromText("x", new Dictionary<string, string> { ["a"] = "b" }, "key")]);
        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("pubsub.v1.json"));
        var body = handler.Requests.Last(r => r.Path.EndsWith(":publish", StringComparison.Ordinal)).Body;

        var errors = checker.Check(JsonNode.Parse(body!), "PublishRequest", "messages");

        Assert.Empty(errors);
        Assert.NotEmpty(checker.Check(JsonNode.Parse("{\"messages\":[{\"dataa\":\"eA==\"}]}"), "PublishRequest"));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("goog-topic")]
    [InlineData("a/b/c")]
    public void ValidateId_BadTopicId_Throws(string id)
    {
        Assert.Throws<FormatException>(() => PubSubNames.ValidateId(id, "topic"));
    }

    private static async Task<List<ReceivedPubSubMessage>> PullAllAsync(PubSubAdmin admin, string subscription, int expected)
    {
        var received = new List<ReceivedPubSubMessage>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var batch = await admin.PullAsync(subscription, 1000);
            received.AddRange(batch);
            await admin.AcknowledgeAsync(subscription, batch.Select(b => b.AckId).ToList());
            if (batch.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        return received;
    }

    private (GoogleCloudSettings Settings, RecordingHandler Handler, RestPubSubPublisher Publisher, PubSubAdmin Admin) Create()
    {
        var settings = _emulators.CreateSettings();
        var handler = new RecordingHandler();
        var http = new HttpClient(handler);
        var publisher = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance, FastRetry);
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        return (settings, handler, publisher, admin);
    }
}
