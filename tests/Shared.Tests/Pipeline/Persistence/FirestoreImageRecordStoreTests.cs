using System.Text;
using System.Text.Json;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class FirestoreImageRecordStoreTests
{
    private const string Hex = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private static readonly ImageKey Key = ImageKey.Parse("europe-docker.pkg.dev/proj/repo/app@sha256:" + Hex);

    private readonly GoogleEmulatorsFixture _emulators;

    public FirestoreImageRecordStoreTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task ApplyAsync_SameMessageIdTenTimes_OneTransitionAndOneEvent()
    {
        var env = await CreateAsync();
        var decisions = 0;
        RecordChange Quarantine(ImageRecord? current)
        {
            decisions++;
            return RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { PolicyRule = "prod", PolicyVersion = "v1", Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned image")] };
        }

        var results = new List<ApplyResult>();
        for (var i = 0; i < 10; i++)
        {
            results.Add(await env.Store.ApplyAsync(Key, "msg-1", Quarantine));
        }

        Assert.Equal(ApplyOutcome.Applied, results[0].Outcome);
        Assert.All(results.Skip(1), r => Assert.Equal(ApplyOutcome.Duplicate, r.Outcome));
        Assert.Equal(1, results.Sum(r => r.PublishedEvents));
        Assert.Equal(1, decisions);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Single(record.History);
        Assert.Equal(0, record.PendingEvents);
        Assert.Equal(["msg-1"], record.ProcessedMessageIds.ToArray());
        var messages = await PublishedEvents.PullAllAsync(env.Admin, "quarantine-sub");
        var message = Assert.Single(messages);
        Assert.Equal(ImageEventTypes.Quarantined, message.Message.Attributes["type"]);
        Assert.Equal("sha256:" + Hex, message.Message.Attributes["digest"]);
        Assert.Equal("europe-docker.pkg.dev/proj/repo/app", message.Message.Attributes["repository"]);
        Assert.Equal("HIGH", message.Message.Attributes["severity"]);
        Assert.Equal("sha256:" + Hex, message.Message.OrderingKey);
        Assert.Empty(await PublishedEvents.PullAllAsync(env.Admin, "alerts-sub"));
    }

    [Fact]
    public async Task ApplyAsync_PublishedEvent_IsStructuredCloudEvent()
    {
        var env = await CreateAsync();

        await env.Store.ApplyAsync(Key, "msg-ce", _ => RecordChange.To(ImageStatus.Warned, "VULNERABILITY_BLOCKING") with { Events = [ImageEvent.Alert(ImageEventSeverities.Critical, "CVE-2024-1 has a fix")] });

        var message = Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "alerts-sub"));
        using var json = JsonDocument.Parse(message.Message.Data);
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal(ImageEventTypes.Alert, root.GetProperty("type").GetString());
        Assert.Equal("//imagetrust/europe-docker.pkg.dev/proj/repo/app", root.GetProperty("source").GetString());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        Assert.Equal(32, root.GetProperty("id").GetString()!.Length);
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), out _));
        var data = root.GetProperty("data");
        Assert.Equal("WARNED", data.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("previousStatus").ValueKind);
        Assert.Equal("VULNERABILITY_BLOCKING", data.GetProperty("reasons")[0].GetString());
        Assert.Equal("msg-ce", data.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task ApplyAsync_CrashBetweenCommitAndPublish_RetryPublishesExactlyThePendingEvents()
    {
        var env = await CreateAsync(failPublishes: 2);
        RecordChange Decide(ImageRecord? current) => current is null
            ? RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_INVALID") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.Critical, "tampered"), ImageEvent.Alert(ImageEventSeverities.Critical, "tampered image pushed")] }
            : throw new InvalidOperationException("a duplicate must not be decided again");

        await Assert.ThrowsAsync<TransientFailureException>(() => env.Store.ApplyAsync(Key, "msg-crash", Decide));

        var afterCrash = (await env.Store.GetAsync(Key))!;
        Assert.Equal(ImageStatus.Quarantined, afterCrash.Status);
        Assert.Equal(2, afterCrash.PendingEvents);
        var outbox = ImageRecordDocument.FromDocument((await env.Documents.GetAsync(env.Collection, ImageDocumentIds.For(Key)))!).Outbox;
        Assert.Empty(await PublishedEvents.PullAllAsync(env.Admin, "alerts-sub"));

        var retry = await env.Store.ApplyAsync(Key, "msg-crash", Decide);

        Assert.Equal(ApplyOutcome.Duplicate, retry.Outcome);
        Assert.Equal(2, retry.PublishedEvents);
        var quarantine = Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "quarantine-sub"));
        var alert = Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "alerts-sub"));
        Assert.Equal(outbox.Select(e => e.Event.Json).Order(), new[] { quarantine, alert }.Select(m => Encoding.UTF8.GetString(m.Message.Data.Span)).Order());
        Assert.Equal(0, (await env.Store.GetAsync(Key))!.PendingEvents);
        var again = await env.Store.ApplyAsync(Key, "msg-crash", Decide);
        Assert.Equal(0, again.PublishedEvents);
        Assert.Empty(await PublishedEvents.PullAllAsync(env.Admin, "quarantine-sub"));
    }

    [Fact]
    public async Task ApplyAsync_RedeliveryAndAnotherChangeWhileTheFirstDeliveryPublishes_EachEventPublishedOnce()
    {
        ScriptedPublisher? gated = null;
        var env = await CreateAsync(publisherAround: p => gated = new ScriptedPublisher(p, gated: true));
        var other = (await CreateAsync(sameRecordsAs: (env.ProjectId, env.Collection))).Store;
        var applying = env.Store.ApplyAsync(Key, "msg-a", _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned")] });
        await gated!.Entered.WaitAsync(TimeSpan.FromSeconds(60));
        var claimed = ImageRecordDocument.Read((await env.Documents.GetAsync(env.Collection, ImageDocumentIds.For(Key)))!).Outbox;

        // Another instance gets the same message again, then a different one for the image, while the first is publishing.
        var redelivered = await other.ApplyAsync(Key, "msg-a", _ => throw new InvalidOperationException("a duplicate must not be decided again"));
        var later = await other.ApplyAsync(Key, "msg-b", _ => RecordChange.None with { ScanStatus = "FINISHED_SUCCESS", Events = [ImageEvent.Alert(ImageEventSeverities.High, "late finding")] });
        gated.Open();
        var first = await applying;

        Assert.True(Assert.Single(claimed).IsHeldAt(DateTimeOffset.UtcNow));
        Assert.Equal(ApplyOutcome.Duplicate, redelivered.Outcome);
        Assert.Equal(0, redelivered.PublishedEvents);
        Assert.Equal(1, later.PublishedEvents);
        Assert.Equal(1, first.PublishedEvents);
        Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "quarantine-sub"));
        Assert.Single(await PublishedEvents.PullAllAsync(env.Admin, "alerts-sub"));
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(0, record.PendingEvents);
        Assert.Null(record.PendingEventsDueAt);
    }

    [Fact]
    public async Task ApplyAsync_AnswerLostAfterPublish_EventGivenBackThenRepublishedOnceAndMarkedSent()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var env = await CreateAsync(clock: clock, publisherAround: p => new ScriptedPublisher(p, afterFirstPublish: new TransientFailureException("publish timed out; the answer was lost")));

        await Assert.ThrowsAsync<TransientFailureException>(() => env.Store.ApplyAsync(Key, "msg-lost", _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned")] }));

        var given = (await env.Store.GetAsync(Key))!;
        Assert.Equal(1, given.PendingEvents);
        Assert.True(given.PendingEventsDueAt <= clock.GetUtcNow());
        Assert.Equal([Key], (await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow(), 10)).Records.Select(r => r.Key));
        Assert.Equal(1, await env.Store.FlushOutboxAsync(Key));
        Assert.Equal(0, await env.Store.FlushOutboxAsync(Key));
        var published = await PublishedEvents.PullAllAsync(env.Admin, "quarantine-sub");
        Assert.Equal(2, published.Count);
        Assert.Single(published.Select(m => PublishedEvents.CloudEventId(m)).Distinct());
        Assert.Equal(0, (await env.Store.GetAsync(Key))!.PendingEvents);
        Assert.Empty((await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow(), 10)).Records);
    }

    [Fact]
    public async Task ApplyAsync_DiedAfterPublishBeforeMarkingSent_RepublishedOnlyOnceTheClaimLapsed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var env = await CreateAsync(clock: clock, publisherAround: p => new ScriptedPublisher(p, afterFirstPublish: new InvalidOperationException("the process died")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => env.Store.ApplyAsync(Key, "msg-died", _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned")] }));

        var redelivered = await env.Store.ApplyAsync(Key, "msg-died", _ => throw new InvalidOperationException("a duplicate must not be decided again"));
        var listedWhileHeld = await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow(), 10);
        clock.Advance(ImageDocumentClaims.Duration);
        var listedAfterLapse = await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow(), 10);
        var republished = await env.Store.FlushOutboxAsync(Key);

        Assert.Equal(0, redelivered.PublishedEvents);
        Assert.Empty(listedWhileHeld.Records);
        Assert.Equal([Key], listedAfterLapse.Records.Select(r => r.Key));
        Assert.Equal(1, republished);
        var published = await PublishedEvents.PullAllAsync(env.Admin, "quarantine-sub");
        Assert.Equal(2, published.Count);
        Assert.Single(published.Select(m => PublishedEvents.CloudEventId(m)).Distinct());
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(0, record.PendingEvents);
        Assert.Equal(0, await env.Store.FlushOutboxAsync(Key));
    }

    [Fact]
    public async Task ListPendingEventsDueAsync_OnlyRecordsWithFreeEvents_EarliestFirst()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var down = new RecordingPublisher(null) { Down = true };
        var env = await CreateAsync(clock: clock, publisherAround: _ => down);
        var keys = Enumerable.Range(0, 3).Select(i => ImageKey.Parse($"europe-docker.pkg.dev/proj/repo/app{i}@sha256:" + Hex)).ToList();
        foreach (var key in keys)
        {
            await Assert.ThrowsAsync<TransientFailureException>(() => env.Store.ApplyAsync(key, "q", _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned")] }));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        down.Down = false;
        await env.Store.ApplyAsync(ImageKey.Parse("europe-docker.pkg.dev/proj/repo/sent@sha256:" + Hex), "q", _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING") with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "unsigned")] });
        await env.Store.ApplyAsync(ImageKey.Parse("europe-docker.pkg.dev/proj/repo/none@sha256:" + Hex), "v", _ => RecordChange.To(ImageStatus.Verified));

        var first = await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow(), 2);
        var rest = await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow(), 2, first.NextPageToken);
        var before = await env.Store.ListPendingEventsDueAsync(clock.GetUtcNow() - TimeSpan.FromSeconds(10), 10);

        Assert.Equal(keys, first.Records.Concat(rest.Records).Select(r => r.Key));
        Assert.Empty(before.Records);
    }

    [Fact]
    public async Task ApplyAsync_ManyTransitions_HistoryAndMessageIdsStayBounded()
    {
        var env = await CreateAsync();

        for (var i = 0; i < 60; i++)
        {
            var status = i % 2 == 0 ? ImageStatus.PendingSignature : ImageStatus.Verified;
            await env.Store.ApplyAsync(Key, $"m{i}", _ => RecordChange.To(status));
        }

        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(ImageRecord.MaxHistory, record.History.Length);
        Assert.Equal("m59", record.History[^1].MessageId);
        Assert.Equal(ImageRecord.MaxProcessedMessageIds, record.ProcessedMessageIds.Length);
        Assert.Equal("m10", record.ProcessedMessageIds[0]);
        Assert.Equal(ImageStatus.Verified, record.Status);
    }

    [Fact]
    public async Task ApplyAsync_SameStatusAgain_RecordsMessageWithoutTransitionOrEvent()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "a", _ => RecordChange.To(ImageStatus.Verified) with { Verified = true });

        var second = await env.Store.ApplyAsync(Key, "b", _ => RecordChange.To(ImageStatus.Verified) with { Verified = true, ScanStatus = "FINISHED_SUCCESS" });

        Assert.Equal(ApplyOutcome.Applied, second.Outcome);
        Assert.Null(second.Transition);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Single(record.History);
        Assert.Equal("FINISHED_SUCCESS", record.ScanStatus);
        Assert.NotNull(record.LastVerified);
        Assert.NotNull(record.Updated);
    }

    [Fact]
    public async Task ApplyAsync_CoalescedMessageIds_OneWriteAndDuplicateOnlyWhenAllSeen()
    {
        var env = await CreateAsync();

        var first = await env.Store.ApplyAsync(Key, ["n1", "n2", "n3"], _ => RecordChange.To(ImageStatus.Warned, "VULN"));
        var repeat = await env.Store.ApplyAsync(Key, ["n2", "n3"], _ => RecordChange.To(ImageStatus.Quarantined));
        var mixed = await env.Store.ApplyAsync(Key, ["n3", "n4"], _ => RecordChange.None);

        Assert.Equal(ApplyOutcome.Applied, first.Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, repeat.Outcome);
        Assert.Equal(ApplyOutcome.Applied, mixed.Outcome);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(ImageStatus.Warned, record.Status);
        Assert.Equal(["n1", "n2", "n3", "n4"], record.ProcessedMessageIds.ToArray());
    }

    [Fact]
    public async Task ApplyAsync_NoRecordAndNoStatus_CreatesNothing()
    {
        var env = await CreateAsync();

        var result = await env.Store.ApplyAsync(Key, "x", _ => RecordChange.None);

        Assert.Equal(ApplyOutcome.NotCreated, result.Outcome);
        Assert.Null(await env.Store.GetAsync(Key));
    }

    [Fact]
    public async Task ApplyAsync_VerifiedEventWithoutVerifiedTopic_IsNotEnqueued()
    {
        var env = await CreateAsync();

        var result = await env.Store.ApplyAsync(Key, "v", _ => RecordChange.To(ImageStatus.Verified) with { Events = [ImageEvent.Verified("ok")] });

        Assert.Equal(0, result.PublishedEvents);
        Assert.Equal(0, result.Record!.PendingEvents);
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentDifferentMessages_BothRecorded()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "seed", _ => RecordChange.To(ImageStatus.PendingSignature));

        await Task.WhenAll(
            env.Store.ApplyAsync(Key, "c1", _ => RecordChange.To(ImageStatus.Verified)),
            env.Store.ApplyAsync(Key, "c2", _ => RecordChange.None with { ScanStatus = "COMPLETE" }));

        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(["c1", "c2", "seed"], record.ProcessedMessageIds.Order());
        Assert.Equal(ImageStatus.Verified, record.Status);
        Assert.Equal("COMPLETE", record.ScanStatus);
    }

    [Fact]
    public async Task ApplyAsync_StaleBasis_DecidesAgainOnFreshRecord()
    {
        var env = await CreateAsync();
        await env.Store.ApplyAsync(Key, "seed", _ => RecordChange.To(ImageStatus.PendingSignature));
        var stale = await env.Store.ReadAsync(Key);
        await env.Store.ApplyAsync(Key, "meanwhile", _ => RecordChange.None with { ScanStatus = "COMPLETE" });
        var seen = new List<ImageRecord?>();

        var result = await env.Store.ApplyAsync(Key, ["late"], current => { seen.Add(current); return RecordChange.To(ImageStatus.Verified); }, stale);

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(2, seen.Count);
        Assert.Null(seen[0]!.ScanStatus);
        Assert.Equal("COMPLETE", seen[1]!.ScanStatus);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(["late", "meanwhile", "seed"], record.ProcessedMessageIds.Order());
        Assert.Equal(ImageStatus.Verified, record.Status);
        Assert.Equal("COMPLETE", record.ScanStatus);
    }

    [Fact]
    public async Task ApplyAsync_BasisSaysAbsentButRecordWasCreated_KeepsTheOtherWrite()
    {
        var env = await CreateAsync();
        var absent = await env.Store.ReadAsync(Key);
        await env.Store.ApplyAsync(Key, "first", _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING"));

        var result = await env.Store.ApplyAsync(Key, ["second"], current => current is null ? RecordChange.To(ImageStatus.Verified) : RecordChange.None, absent);

        Assert.Null(absent.Record);
        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(ImageStatus.Quarantined, record.Status);
        Assert.Equal(["first", "second"], record.ProcessedMessageIds.Order());
    }

    [Fact]
    public async Task ApplyAsync_AssumedAbsentButRecorded_DecidesAgainOnAFreshReadWithoutBackingOff()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var env = await CreateAsync(clock: clock, conflictRetry: new RetryPolicy { InitialBackoff = TimeSpan.FromMinutes(1), MaxBackoff = TimeSpan.FromMinutes(1), MaxAttempts = 5, TotalTimeout = TimeSpan.FromMinutes(10) });
        await env.Store.ApplyAsync(Key, "first", _ => RecordChange.To(ImageStatus.PendingSignature));
        var seen = new List<ImageStatus?>();

        // The fake clock never moves: a backoff would never end.
        var applied = await env.Store.ApplyAsync(Key, ["second"], current => { seen.Add(current?.Status); return RecordChange.To(ImageStatus.Verified); }, ImageRecordSnapshot.AssumedAbsent(Key)).WaitAsync(TimeSpan.FromSeconds(30));
        var redelivered = await env.Store.ApplyAsync(Key, ["second"], _ => RecordChange.To(ImageStatus.Quarantined), ImageRecordSnapshot.AssumedAbsent(Key)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([null, ImageStatus.PendingSignature], seen);
        Assert.Equal(ApplyOutcome.Applied, applied.Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, redelivered.Outcome);
        var record = (await env.Store.GetAsync(Key))!;
        Assert.Equal(ImageStatus.Verified, record.Status);
        Assert.Equal(2, record.History.Length);
    }

    [Fact]
    public async Task ApplyAsync_ReadAbsentButRecordedSince_BacksOffBeforeDecidingAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var env = await CreateAsync(clock: clock, conflictRetry: new RetryPolicy { InitialBackoff = TimeSpan.FromMinutes(1), MaxBackoff = TimeSpan.FromMinutes(1), MaxAttempts = 5, TotalTimeout = TimeSpan.FromMinutes(10) });
        await env.Store.ApplyAsync(Key, "first", _ => RecordChange.To(ImageStatus.PendingSignature));

        var applying = env.Store.ApplyAsync(Key, ["second"], _ => RecordChange.To(ImageStatus.Verified), new ImageRecordSnapshot(Key, null, null));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var waitedForTheClock = !applying.IsCompleted;
        clock.Advance(TimeSpan.FromMinutes(2));
        var applied = await applying.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(waitedForTheClock, "a read that found nothing is contention when the create is refused: it backs off");
        Assert.Equal(ApplyOutcome.Applied, applied.Outcome);
    }

    [Fact]
    public async Task ApplyAsync_StaleBasisOfProcessedMessage_IsDuplicateAfterFreshRead()
    {
        var env = await CreateAsync();
        var absent = await env.Store.ReadAsync(Key);
        await env.Store.ApplyAsync(Key, "once", _ => RecordChange.To(ImageStatus.Verified));

        var again = await env.Store.ApplyAsync(Key, ["once"], _ => RecordChange.To(ImageStatus.Quarantined, "SIGNATURE_MISSING"), absent);

        Assert.Equal(ApplyOutcome.Duplicate, again.Outcome);
        Assert.Equal(ImageStatus.Verified, (await env.Store.GetAsync(Key))!.Status);
    }

    [Fact]
    public async Task ApplyAsync_RecordChangesOnEveryAttempt_BacksOffThenGivesUpAfterMaxAttemptsWithNothingWritten()
    {
        var clock = new ObservedClock(DateTimeOffset.UtcNow);
        var contended = await ContendAsync(clock, new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(150), MaxAttempts = 3, TotalTimeout = TimeSpan.FromSeconds(30) }, TimeSpan.Zero);

        var first = await clock.NextTimerAsync();
        Assert.InRange(first, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, contended.Attempts);
        clock.Advance(first - TimeSpan.FromTicks(1));
        Assert.Equal(1, contended.Attempts);
        clock.Advance(TimeSpan.FromTicks(1));
        var second = await clock.NextTimerAsync();
        Assert.InRange(second, TimeSpan.FromMilliseconds(75), TimeSpan.FromMilliseconds(150));
        Assert.Equal(2, contended.Attempts);
        clock.Advance(second);
        var failure = await Assert.ThrowsAsync<TransientFailureException>(() => contended.Applying);

        Assert.StartsWith($"{Key} kept changing; the change was not applied after 3 attempt(s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, contended.Attempts);
        Assert.False(clock.HasUnreportedTimer);
        var record = (await contended.Store.GetAsync(Key))!;
        Assert.DoesNotContain("contended", record.ProcessedMessageIds);
        Assert.Equal(ImageStatus.PendingSignature, record.Status);
    }

    [Fact]
    public async Task ApplyAsync_RecordKeepsChangingPastTheDeadline_GivesUpBeforeMaxAttempts()
    {
        var clock = new ObservedClock(DateTimeOffset.UtcNow);

        // Each attempt takes 700 ms of the one-second deadline.
        var contended = await ContendAsync(clock, new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1), MaxAttempts = 10, TotalTimeout = TimeSpan.FromSeconds(1) }, TimeSpan.FromMilliseconds(700));
        clock.Advance(await clock.NextTimerAsync());
        var failure = await Assert.ThrowsAsync<TransientFailureException>(() => contended.Applying);

        Assert.StartsWith($"{Key} kept changing; the change was not applied after 2 attempt(s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, contended.Attempts);
        Assert.False(clock.HasUnreportedTimer);
        Assert.DoesNotContain("contended", (await contended.Store.GetAsync(Key))!.ProcessedMessageIds);
    }

    [Fact]
    public async Task ApplyAsync_BasisOfAnotherImage_Throws()
    {
        var env = await CreateAsync();
        var other = await env.Store.ReadAsync(ImageKey.Parse("europe-docker.pkg.dev/proj/repo/other@sha256:" + Hex));

        await Assert.ThrowsAsync<ArgumentException>(() => env.Store.ApplyAsync(Key, ["m"], _ => RecordChange.To(ImageStatus.Verified), other));
    }

    [Fact]
    public async Task ListAsync_StatusFilterWithPaging_ReturnsMatchingRecords()
    {
        var env = await CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            var key = ImageKey.Parse($"europe-docker.pkg.dev/proj/repo/app{i}@sha256:" + Hex);
            await env.Store.ApplyAsync(key, $"l{i}", _ => RecordChange.To(i < 3 ? ImageStatus.Quarantined : ImageStatus.Verified));
        }

        var first = await env.Store.ListAsync(ImageStatus.Quarantined, pageSize: 2);
        var second = await env.Store.ListAsync(ImageStatus.Quarantined, pageSize: 2, pageToken: first.NextPageToken);
        var all = await env.Store.ListAsync(pageSize: 10);

        Assert.Equal(2, first.Records.Length);
        Assert.Single(second.Records);
        Assert.Null(second.NextPageToken);
        Assert.All(first.Records.Concat(second.Records), r => Assert.Equal(ImageStatus.Quarantined, r.Status));
        Assert.Equal(5, all.Records.Length);
    }

    // Starts applying message "contended" to a seeded record while another writer commits between every read and our write
    // (a side effect only these tests allow the decision); each attempt also takes attemptDuration on the clock.
    private async Task<Contention> ContendAsync(ObservedClock clock, RetryPolicy retry, TimeSpan attemptDuration)
    {
        var env = await CreateAsync(conflictRetry: retry, clock: clock);
        await env.Store.ApplyAsync(Key, "seed", _ => RecordChange.To(ImageStatus.PendingSignature));
        var rival = (await CreateAsync(sameRecordsAs: (env.ProjectId, env.Collection))).Store;
        var contention = new Contention(env.Store);
        RecordChange Decide(ImageRecord? current)
        {
            clock.Advance(attemptDuration);
            var attempt = contention.NextAttempt();
            rival.ApplyAsync(Key, $"rival-{attempt}", _ => RecordChange.None with { ScanStatus = $"S{attempt}" }).GetAwaiter().GetResult();
            return RecordChange.To(ImageStatus.Verified);
        }

        contention.Applying = env.Store.ApplyAsync(Key, ["contended"], Decide, null);
        return contention;
    }

    private async Task<(FirestoreImageRecordStore Store, PubSubAdmin Admin, string ProjectId, string Collection, FirestoreDocumentStore Documents)> CreateAsync(int failPublishes = 0, RetryPolicy? conflictRetry = null, (string ProjectId, string Collection)? sameRecordsAs = null, TimeProvider? clock = null, Func<PubSubPublisher, PubSubPublisher>? publisherAround = null)
    {
        var settings = _emulators.CreateSettings(sameRecordsAs?.ProjectId);
        var http = new HttpClient();
        var documents = new RestFirestoreDocumentStore(http, settings, null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance);
        PubSubPublisher publisher = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
        if (failPublishes > 0)
        {
            publisher = new FailingOncePublisher(publisher, failPublishes);
        }

        publisher = publisherAround?.Invoke(publisher) ?? publisher;
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        var topics = ImageEventTopics.Create();
        if (sameRecordsAs is null)
        {
            await admin.CreateTopicAsync(topics.Quarantine);
            await admin.CreateTopicAsync(topics.Alerts);
            await admin.CreateSubscriptionAsync("quarantine-sub", topics.Quarantine, enableMessageOrdering: true);
            await admin.CreateSubscriptionAsync("alerts-sub", topics.Alerts);
        }

        var collection = sameRecordsAs?.Collection ?? FirestoreImageRecordStore.DefaultCollection;
        var store = new FirestoreImageRecordStore(documents, publisher, topics, clock ?? TimeProvider.System, NullLogger<FirestoreImageRecordStore>.Instance, collection, conflictRetry);
        return (store, admin, settings.ProjectId, collection, documents);
    }

    private sealed class Contention(FirestoreImageRecordStore store)
    {
        private int _attempts;
        private Task<ApplyResult>? _applying;

        public FirestoreImageRecordStore Store { get; } = store;

        public Task<ApplyResult> Applying
        {
            get => _applying ?? throw new InvalidOperationException("not started");
            set => _applying = value;
        }

        public int Attempts => Volatile.Read(ref _attempts);

        public int NextAttempt() => Interlocked.Increment(ref _attempts);
    }
}
