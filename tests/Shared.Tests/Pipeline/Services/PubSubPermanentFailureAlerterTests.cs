using System.Text.Json;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Services;
using ImageTrust.Shared.Tests.Pipeline.Golden;
using ImageTrust.Shared.Tests.Pipeline.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Pipeline.Services;

public sealed class PubSubPermanentFailureAlerterTests
{
    private static readonly PermanentFailureAlert Rejected = new(
        "UNKNOWN_ACTION",
        "gcr message action 'UPDATE' is neither INSERT nor DELETE",
        "PushVerifier",
        "//pubsub.googleapis.com/projects/acme-prod/topics/gcr",
        "17476593210452",
        "17476593210452",
        new Dictionary<string, string>());

    [Fact]
    public async Task AlertAsync_RejectedInput_PublishesTheGoldenMessage()
    {
        var publisher = new RecordingPublisher(null);
        var alerter = new PubSubPermanentFailureAlerter(publisher, ImageEventTopics.Create(), new FakeTimeProvider(GoldenScenario.Start), NullLogger<PubSubPermanentFailureAlerter>.Instance);

        await alerter.AlertAsync(Rejected);

        var (topic, message) = Assert.Single(publisher.Published);
        GoldenFiles.AssertMatches("event-alert-rejected-input.json", GoldenRendering.Message(topic, message));
    }

    [Fact]
    public async Task AlertAsync_SameMessageTwice_SameEventId()
    {
        var publisher = new RecordingPublisher(null);
        var alerter = new PubSubPermanentFailureAlerter(publisher, ImageEventTopics.Create(), new FakeTimeProvider(GoldenScenario.Start), NullLogger<PubSubPermanentFailureAlerter>.Instance);

        await alerter.AlertAsync(Rejected);
        await alerter.AlertAsync(Rejected with { Detail = "another attempt" });

        var ids = publisher.Published.Select(p => EventId(p.Message)).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task AlertAsync_DeliveryWithoutIds_EachAlertGetsItsOwnEventId()
    {
        var publisher = new RecordingPublisher(null);
        var alerter = new PubSubPermanentFailureAlerter(publisher, ImageEventTopics.Create(), new FakeTimeProvider(GoldenScenario.Start), NullLogger<PubSubPermanentFailureAlerter>.Instance);
        var unnamed = Rejected with { EventId = string.Empty, MessageId = string.Empty };

        await alerter.AlertAsync(unnamed);
        await alerter.AlertAsync(unnamed);

        var ids = publisher.Published.Select(p => EventId(p.Message)).ToList();
        Assert.Equal(2, ids.Count);
        Assert.NotEqual(ids[0], ids[1]);
    }

    private static string EventId(ImageTrust.GoogleCloud.PubSub.PubSubMessage message)
    {
        using var json = JsonDocument.Parse(message.Data);
        return json.RootElement.GetProperty("id").GetString()!;
    }
}
