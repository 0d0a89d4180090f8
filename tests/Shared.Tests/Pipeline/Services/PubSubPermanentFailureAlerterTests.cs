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
        GoldenFiles.AssertMatches("event-alert-rejected-input-project.json", GoldenRendering.Message(topic, message));
        GoldenFiles.AssertMatches("event-alert-rejected-input.json", GoldenRendering.Message(topic, GoldenRendering.WithoutSourceProject(message)));
    }

    [Theory]
    [InlineData("//pubsub.googleapis.com/projects/acme-dev/topics/gcr", "acme-dev")]
    [InlineData("//pubsub.googleapis.com/projects/imagetrust/subscriptions/push-verifier-acme-dev", null)]
    [InlineData("//pubsub.googleapis.com/projects//topics/gcr", null)]
    [InlineData("//pubsub.googleapis.com/projects/acme-dev/topics/gcr/extra", null)]
    [InlineData("//imagetrust/PushVerifier", null)]
    public async Task AlertAsync_EventSource_CarriesTheSourceProjectOnlyWhenATopicNamesIt(string eventSource, string? expected)
    {
        var publisher = new RecordingPublisher(null);
        var alerter = new PubSubPermanentFailureAlerter(publisher, ImageEventTopics.Create(), new FakeTimeProvider(GoldenScenario.Start), NullLogger<PubSubPermanentFailureAlerter>.Instance);

        await alerter.AlertAsync(Rejected with { EventSource = eventSource });

        var (_, message) = Assert.Single(publisher.Published);
        using var json = JsonDocument.Parse(message.Data);
        var data = json.RootElement.GetProperty("data");
        Assert.Equal(expected, data.TryGetProperty("sourceProject", out var project) ? project.GetString() : null);
        Assert.Equal(expected, message.Attributes.GetValueOrDefault("sourceProject"));
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
