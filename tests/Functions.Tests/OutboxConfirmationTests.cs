using System.Net;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Reverifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport.Emulators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// Issue 15, item 4: with <c>IMAGETRUST_OUTBOX_CONFIRMATIONS</c> (what Terraform sets), a push ends after its publish; the
/// drain tick marks the events sent from the confirmation subscriptions, and nothing is published twice.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class OutboxConfirmationTests
{
    private readonly PipelineEnvironment _environment;

    public OutboxConfirmationTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task DrainTick_EventsPublishedByPushes_MarkedSentAndNeverPublishedAgain()
    {
        var projectId = _environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(_environment, projectId);
        var confirmations = await team.CreateConfirmationSubscriptionsAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var variables = new Dictionary<string, string> { [ImageEventTopics.ConfirmationsVariable] = confirmations };
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock), extraVariables: variables);
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock), extraVariables: variables);
        await ReverifyWork.WireAsync(_environment, projectId, reverifier);
        var images = new List<ImageKey>();
        for (var i = 0; i < 3; i++)
        {
            images.Add((await _environment.CopyImageAsync("skopeo-tampered", "skopeo", withSignatures: true)).Key);
        }

        for (var i = 0; i < images.Count; i++)
        {
            using var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(images[i].ToString()), $"push-{i}", projectId);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        // Published, and still in the outbox: held by the pushes' claims until the drain confirms them.
        var published = await team.PullAsync(SecurityTeam.QuarantineSubscription, images.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(images.Count, published.Count);
        foreach (var image in images)
        {
            var record = (await push.Records.GetAsync(image))!;
            Assert.Equal(ImageStatus.Quarantined, record.Status);
            Assert.Equal(1, record.PendingEvents);
            Assert.True(record.PendingEventsDueAt > clock.GetUtcNow());
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        using (var tick = await Deliveries.SendWorkAsync(reverifier.Client, "{}", "drain-1", projectId, ReverificationWork.DrainKind))
        {
            Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
        }

        foreach (var image in images)
        {
            var record = (await push.Records.GetAsync(image))!;
            Assert.Equal(0, record.PendingEvents);
            Assert.Null(record.PendingEventsDueAt);
        }

        Assert.Contains($"drain confirmed {images.Count} published event(s), read 0 record(s) with pending events, published 0 work message(s)", reverifier.Log, StringComparison.Ordinal);

        // Long past the claims: nothing is left to publish again.
        clock.Advance(ImageDocumentClaims.Duration * 2);
        using (var later = await Deliveries.SendWorkAsync(reverifier.Client, "{}", "drain-2", projectId, ReverificationWork.DrainKind))
        {
            Assert.Equal(HttpStatusCode.NoContent, later.StatusCode);
        }

        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
        Assert.Contains("drain confirmed 0 published event(s), read 0 record(s) with pending events, published 0 work message(s)", reverifier.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_NewImage_OneCommitAndOnePublishWithoutARead_RedeliveryReadsAndPublishesNothing()
    {
        var projectId = _environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(_environment, projectId);
        var confirmations = await team.CreateConfirmationSubscriptionsAsync();
        await using var firestore = await FirestoreReadCounter.StartAsync(_environment.Emulators.Firestore.HostAndPort);
        await using var pubsub = await FirestoreReadCounter.StartAsync(_environment.Emulators.PubSub.HostAndPort);
        var variables = new Dictionary<string, string>
        {
            [ImageEventTopics.ConfirmationsVariable] = confirmations,
            ["FIRESTORE_EMULATOR_HOST"] = firestore.HostPort,
            ["PUBSUB_EMULATOR_HOST"] = pubsub.HostPort,
        };
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, extraVariables: variables);
        var image = (await _environment.CopyImageAsync("skopeo-tampered", "skopeo", withSignatures: true)).Key;

        using (var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(image.ToString()), "push-new", projectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var first = Google(firestore, pubsub);
        firestore.Reset();
        pubsub.Reset();
        using (var redelivery = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(image.ToString()), "push-new", projectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, redelivery.StatusCode);
        }

        var again = Google(firestore, pubsub);

        Assert.Equal(["firestore POST commit", "pubsub POST publish"], first);
        Assert.Equal(["firestore GET document", "firestore POST commit"], again); // the refused create, then the read
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(ImageStatus.Quarantined, (await push.Records.GetAsync(image))!.Status);
    }

    private static List<string> Google(FirestoreReadCounter firestore, FirestoreReadCounter pubsub)
        => [.. firestore.Requests.Select(r => $"firestore {r.Method} {r.Kind}").Concat(pubsub.Requests.Select(r => $"pubsub {r.Method} {r.Kind}")).Order(StringComparer.Ordinal)];
}
