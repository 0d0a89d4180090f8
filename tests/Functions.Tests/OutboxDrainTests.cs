using System.Net;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Reverifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model.Http;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport.Emulators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// Issue 15, item 5: events committed while Pub/Sub refused publishes, whose deliveries were dead-lettered, go out on the
/// next outbox drain tick once Pub/Sub is back. Real emulators behind a proxy that refuses publishes; the functions' clock is
/// fake, so "the next tick" is exactly one schedule interval.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class OutboxDrainTests
{
    // The fewest delivery attempts a Pub/Sub dead-letter policy allows; Terraform's default (10) only adds more of the same.
    private const int MaxDeliveryAttempts = 5;

    // The drain job's schedule (Terraform's outbox_drain_schedule default): the longest wait for the next tick.
    private static readonly TimeSpan DrainInterval = TimeSpan.FromMinutes(1);

    private readonly PipelineEnvironment _environment;

    public OutboxDrainTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task Drain_PublishesRefusedPastTheDeliveryAttemptsThenRestored_EveryCommittedEventOutOnTheNextTick()
    {
        var projectId = _environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(_environment, projectId);
        await using var outage = await PubSubOutage.StartAsync(_environment.Emulators.PubSub.HostAndPort);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => Through(s, outage, projectId, clock));
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => Through(s, outage, projectId, clock));
        await ReverifyWork.WireAsync(_environment, projectId, reverifier);
        var images = new List<ImageKey>();
        for (var i = 0; i < 4; i++)
        {
            images.Add((await _environment.CopyImageAsync("skopeo-tampered", "skopeo", withSignatures: true)).Key);
        }

        outage.Refusing = true;
        for (var i = 0; i < images.Count; i++)
        {
            for (var attempt = 1; attempt <= MaxDeliveryAttempts; attempt++)
            {
                using var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(images[i].ToString()), $"push-{i}", projectId);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }
        }

        // Dead-lettered: no delivery comes back. The records say QUARANTINED; the events are committed, free, and unpublished.
        var committed = new HashSet<string>(StringComparer.Ordinal);
        var verifiedAt = new Dictionary<ImageKey, DateTimeOffset?>();
        foreach (var image in images)
        {
            var stored = await StoredAsync(push, image);
            Assert.Equal(ImageStatus.Quarantined, stored.Record.Status);
            Assert.True(stored.Record.PendingEventsDueAt <= clock.GetUtcNow());
            committed.UnionWith(stored.Outbox.Select(e => e.Event.Id));
            verifiedAt[image] = stored.Record.LastVerified;
        }

        Assert.Equal(images.Count, committed.Count);
        Assert.True(outage.RefusedPublishes >= images.Count * MaxDeliveryAttempts);
        using (var refusedTick = await Deliveries.SendWorkAsync(reverifier.Client, "{}", "drain-during-outage", projectId, ReverificationWork.DrainKind))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedTick.StatusCode);
        }

        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));

        // Pub/Sub is back; the next drain tick comes at most one interval later, and nothing else happens in between.
        outage.Refusing = false;
        clock.Advance(DrainInterval);
        using (var tick = await Deliveries.SendWorkAsync(reverifier.Client, "{}", "drain-after-outage", projectId, ReverificationWork.DrainKind))
        {
            Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
        }

        var published = await team.PullAsync(SecurityTeam.QuarantineSubscription, committed.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(committed.Order(), published.Select(m => Deliveries.ParseData(m.Message.Data).GetProperty("id").GetString()!).Order());
        foreach (var image in images)
        {
            var record = await ReverifyWork.UntilAsync(reverifier.Records, image, r => r.PendingEvents == 0);
            Assert.Null(record.PendingEventsDueAt);
            Assert.Equal(verifiedAt[image], record.LastVerified); // published, not re-verified
        }

        Assert.Contains("drain confirmed 0 published event(s), read 4 record(s) with pending events, published 4 work message(s)", reverifier.Log, StringComparison.Ordinal);
    }

    // The function's clock is the fake one; its Pub/Sub calls go through the outage proxy, retried briefly on the real clock
    // (a refused publish fails within the test's patience instead of the production minute).
    private static void Through(IServiceCollection services, PubSubOutage outage, string projectId, TimeProvider clock)
    {
        services.AddSingleton(clock);
        var settings = GoogleCloudSettings.Create(projectId, outage.HostPort);
        var retry = new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(100), AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(20) };
        services.AddSingleton<PubSubPublisher>(new BatchingPubSubPublisher(new RestPubSubPublisher(new HttpClient(), settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance, retry)));
    }

    private static async Task<StoredImageRecord> StoredAsync(RunningFunction function, ImageKey key)
        => ImageRecordDocument.Read((await function.Services.GetRequiredService<FirestoreDocumentStore>().GetAsync(FirestoreImageRecordStore.DefaultCollection, ImageDocumentIds.For(key)))!);
}
