using System.Text;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>Events confirmed by subscription (<see cref="ImageEventTopics.ConfirmsBySubscription"/>), on the real emulators.</summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class OutboxConfirmationTests
{
    private const string Hex = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private const string QuarantineConfirm = "quarantine-confirm";
    private const string AlertsConfirm = "alerts-confirm";
    private static readonly ImageKey Key = ImageKey.Parse("europe-docker.pkg.dev/proj/repo/app@sha256:" + Hex);

    private readonly GoogleEmulatorsFixture _emulators;

    public OutboxConfirmationTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task ApplyAsync_ConfirmsBySubscription_PublishesWithoutMarkingSent()
    {
        var env = await CreateAsync();

        var result = await env.Store.ApplyAsync(Key, "msg-1", Quarantine);

        Assert.Equal(1, result.PublishedEvents);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(1, record.PendingEvents);
        Assert.True(record.PendingEventsDueAt > env.Clock.GetUtcNow(), "the entry stays held by the publishing delivery's claim");
        Assert.Empty((await env.Store.ListPendingEventsDueAsync(env.Clock.GetUtcNow(), 10)).Records);
        Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "team"));
    }

    [Fact]
    public async Task ApplyAsync_ConfirmsBySubscription_OneCommitAndOnePublishAfterTheRead()
    {
        var env = await CreateAsync();

        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);

        Assert.Single(env.Commits);
    }

    [Fact]
    public async Task ApplyAsync_MarksSentInTheRequest_CommitsTwice()
    {
        var env = await CreateAsync(confirm: false);

        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);

        Assert.Equal(2, env.Commits.Count);
        Assert.Equal(0, (await env.Store.GetAsync(Key))!.PendingEvents);
    }

    [Fact]
    public async Task ConfirmAsync_PublishedEvent_MarkedSentAndAcknowledged()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);

        var confirmed = await env.Confirmer.ConfirmAsync();

        Assert.Equal(1, confirmed);
        Assert.Equal(0, (await env.Store.GetAsync(Key))!.PendingEvents);
        Assert.Empty(await PublishedEvents.PullAllAsync(env.Admin, QuarantineConfirm));
        env.Clock.Advance(ImageDocumentClaims.Duration * 2);
        Assert.Empty((await env.Store.ListPendingEventsDueAsync(env.Clock.GetUtcNow(), 10)).Records);
        Assert.Equal(0, await env.Store.FlushOutboxAsync(Key));
        Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "team"));
    }

    [Fact]
    public async Task ConfirmAsync_ForgedMessageWithTheEventsIdButOtherBytes_KeepsTheEntry()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);
        var real = Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, QuarantineConfirm));
        var forged = Encoding.UTF8.GetString(real.Message.Data.Span).Replace("\"severity\"", "\"severity \"", StringComparison.Ordinal);
        Assert.NotEqual(Encoding.UTF8.GetString(real.Message.Data.Span), forged);
        await env.Publisher.PublishAsync("imagetrust-quarantine", [PubSubMessage.FromText(forged, real.Message.Attributes, real.Message.OrderingKey)]);

        var confirmed = await env.Confirmer.ConfirmAsync();

        Assert.Equal(0, confirmed);
        Assert.Equal(1, (await env.Store.GetAsync(Key))!.PendingEvents);
        Assert.Empty(await PublishedEvents.PullAllAsync(env.Admin, QuarantineConfirm));
    }

    [Fact]
    public async Task ConfirmPublishedAsync_SameBytesOnAnotherTopic_KeepsTheEntry()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);
        var real = Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, QuarantineConfirm));

        var onAlerts = await env.Store.ConfirmPublishedAsync("imagetrust-alerts", new Dictionary<ImageKey, List<ReadOnlyMemory<byte>>> { [Key] = [real.Message.Data] });
        var onQuarantine = await env.Store.ConfirmPublishedAsync("imagetrust-quarantine", new Dictionary<ImageKey, List<ReadOnlyMemory<byte>>> { [Key] = [real.Message.Data] });

        Assert.Equal(0, onAlerts);
        Assert.Equal(1, onQuarantine);
        Assert.Equal(0, (await env.Store.GetAsync(Key))!.PendingEvents);
    }

    [Fact]
    public async Task ConfirmAsync_ForeignMessages_AcknowledgedAndIgnored()
    {
        var env = await CreateAsync();
        await env.Publisher.PublishAsync("imagetrust-alerts", [
            PubSubMessage.FromText("{}"),
            PubSubMessage.FromText("{}", new Dictionary<string, string> { ["repository"] = "not a repository", ["digest"] = "sha256:zz" }),
        ]);

        var confirmed = await env.Confirmer.ConfirmAsync();

        Assert.Equal(0, confirmed);
        Assert.Empty(await PublishedEvents.PullAllAsync(env.Admin, AlertsConfirm));
    }

    [Fact]
    public async Task ConfirmAsync_ConfirmationLost_RepublishedOnceTheClaimLapses()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);
        await PublishedEvents.PullAllAsync(env.Admin, QuarantineConfirm);

        var confirmed = await env.Confirmer.ConfirmAsync();
        var dueWhileHeld = await env.Store.ListPendingEventsDueAsync(env.Clock.GetUtcNow(), 10);
        env.Clock.Advance(ImageDocumentClaims.Duration);
        var dueAfterLapse = await env.Store.ListPendingEventsDueAsync(env.Clock.GetUtcNow(), 10);
        var republished = await env.Store.FlushOutboxAsync(Key);
        var confirmedAfter = await env.Confirmer.ConfirmAsync();

        Assert.Equal(0, confirmed);
        Assert.Empty(dueWhileHeld.Records);
        Assert.Equal([Key], dueAfterLapse.Records.Select(r => r.Key));
        Assert.Equal(1, republished);
        Assert.Equal(1, confirmedAfter);
        var team = await PublishedEvents.PullAllAsync(env.Admin, "team");
        Assert.Equal(2, team.Count);
        Assert.Single(team.Select(PublishedEvents.CloudEventId).Distinct());
        Assert.Equal(0, (await env.Store.GetAsync(Key))!.PendingEvents);
    }

    [Fact]
    public async Task ApplyAsync_PublishFailsWhileConfirmingBySubscription_GivesTheEntryBackAtOnce()
    {
        var env = await CreateAsync(down: true);

        await Assert.ThrowsAsync<TransientFailureException>(() => env.Store.ApplyAsync(Key, "msg-1", Quarantine));

        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(1, record.PendingEvents);
        Assert.True(record.PendingEventsDueAt <= env.Clock.GetUtcNow());
    }

    [Fact]
    public async Task ConfirmAsync_SubscriptionMissing_LoggedAndSkipped()
    {
        var env = await CreateAsync(createConfirmations: false);
        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);

        var confirmed = await env.Confirmer.ConfirmAsync();

        Assert.Equal(0, confirmed);
        Assert.Equal(1, (await env.Store.GetAsync(Key))!.PendingEvents);
    }

    [Fact]
    public async Task ConfirmAsync_ManyImages_EachMarkedSentOnce()
    {
        var env = await CreateAsync();
        var keys = Enumerable.Range(0, 30).Select(i => ImageKey.Parse($"europe-docker.pkg.dev/proj/repo/app{i}@sha256:" + Hex)).ToList();
        foreach (var key in keys)
        {
            await env.Store.ApplyAsync(key, "msg-1", Quarantine);
        }

        var requestsBefore = env.Requests.Count;

        var confirmed = await env.Confirmer.ConfirmAsync();

        // Batched: a read and a commit per pull, not a transaction per image (which would be at least 60 requests).
        Assert.InRange(env.Requests.Count - requestsBefore, 2, keys.Count / 2);
        Assert.Equal(keys.Count, confirmed);
        foreach (var key in keys)
        {
            Assert.Equal(0, (await env.Store.GetAsync(key))!.PendingEvents);
        }
    }

    [Fact]
    public async Task ConfirmAsync_AnImageChangedBetweenReadAndCommit_EachConfirmedOnItsOwnAndTheChangeKept()
    {
        var env = await CreateAsync();
        var other = ImageKey.Parse("europe-docker.pkg.dev/proj/repo/other@sha256:" + Hex);
        await env.Store.ApplyAsync(Key, "msg-1", Quarantine);
        await env.Store.ApplyAsync(other, "msg-1", Quarantine);
        env.Documents.BeforeNextCommit = async () => await env.Store.ApplyAsync(Key, "msg-2", _ => RecordChange.None with { ScanStatus = "FINISHED_SUCCESS" });

        var confirmed = await env.Confirmer.ConfirmAsync();

        Assert.Equal(2, confirmed);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(0, record.PendingEvents);
        Assert.Equal("FINISHED_SUCCESS", record.ScanStatus);
        Assert.Equal(0, (await env.Store.GetAsync(other))!.PendingEvents);
    }

    private static RecordChange Quarantine(ImageRecord? current)
        => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned")] };

    private async Task<Env> CreateAsync(bool down = false, bool createConfirmations = true, bool confirm = true)
    {
        var settings = _emulators.CreateSettings();
        var http = new HttpClient();
        var requests = new List<string>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var documents = new RecordingDocumentStore(new RestFirestoreDocumentStore(new HttpClient(new RequestRecorder(requests)), settings, null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance), clock);
        var publisher = new RecordingPublisher(new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance)) { Down = down };
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        var topics = ImageEventTopics.Create(confirmations: confirm ? new Dictionary<string, string> { ["imagetrust-quarantine"] = QuarantineConfirm, ["imagetrust-alerts"] = AlertsConfirm } : null);
        await admin.CreateTopicAsync(topics.Quarantine);
        await admin.CreateTopicAsync(topics.Alerts);
        await admin.CreateSubscriptionAsync("team", topics.Quarantine);
        if (createConfirmations)
        {
            await admin.CreateSubscriptionAsync(QuarantineConfirm, topics.Quarantine, ackDeadlineSeconds: 60);
            await admin.CreateSubscriptionAsync(AlertsConfirm, topics.Alerts, ackDeadlineSeconds: 60);
        }

        var store = new FirestoreImageRecordStore(documents, publisher, topics, clock, NullLogger<FirestoreImageRecordStore>.Instance);
        var subscriber = new RestPubSubSubscriber(http, settings, null, TimeProvider.System, NullLogger.Instance);
        var confirmer = new OutboxConfirmer(store, subscriber, topics, NullLogger<OutboxConfirmer>.Instance);
        return new Env(store, confirmer, admin, publisher, clock, documents, requests);
    }

    private sealed record Env(FirestoreImageRecordStore Store, OutboxConfirmer Confirmer, PubSubAdmin Admin, PubSubPublisher Publisher, FakeTimeProvider Clock, RecordingDocumentStore Documents, List<string> Requests)
    {
        public List<string> Commits => [.. Requests.Where(path => path.EndsWith(":commit", StringComparison.Ordinal))];
    }

    // Records the path of every Firestore request.
    private sealed class RequestRecorder(List<string> requests) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (requests)
            {
                requests.Add(request.RequestUri!.AbsolutePath);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
