using System.Net;
using System.Text;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Reverifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Functions.Tests;

/// <summary>Reverifier on real Kestrel against the emulators and the registry, with a fake clock where time must pass.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ReverifierTests
{
    private readonly PipelineEnvironment _environment;

    public ReverifierTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task Run_GracePeriodExpired_PendingSignatureBecomesQuarantinedOnce()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (key, _) = await _environment.CopyImageAsync("skopeo-unsigned", "skopeo", withSignatures: false);
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, team.Settings.ProjectId, s => s.AddSingleton<TimeProvider>(clock));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", push.ProjectId);
        Assert.Equal(ImageStatus.PendingSignature, (await push.Records.GetAsync(key))!.Status);
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, team.Settings.ProjectId, s => s.AddSingleton<TimeProvider>(clock));
        await ReverifyWork.WireAsync(_environment, team.Settings.ProjectId, reverifier);

        using (var early = await Deliveries.SendAsync(reverifier.Client, DeliveryShape.Binary, "{}", "tick-0", reverifier.ProjectId, "imagetrust-reverify"))
        {
            Assert.Equal(HttpStatusCode.NoContent, early.StatusCode);
        }

        Assert.Equal(ImageStatus.PendingSignature, (await push.Records.GetAsync(key))!.Status);
        clock.Advance(TimeSpan.FromMinutes(11));
        for (var i = 0; i < 3; i++)
        {
            using var response = await Deliveries.SendAsync(reverifier.Client, DeliveryShape.Binary, "{}", "tick-1", reverifier.ProjectId, "imagetrust-reverify");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var record = await ReverifyWork.UntilAsync(reverifier.Records, key, r => r.Status == ImageStatus.Quarantined);
        Assert.Equal([ImageStatus.PendingSignature, ImageStatus.Quarantined], record.History.Select(t => t.To));
        PushVerifierTests.AssertEvent(Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1)), ImageEventTypes.Quarantined, key);
        Assert.Equal([ImageStatus.PendingSignature, ImageStatus.Quarantined], (await reverifier.Records.GetAsync(key))!.History.Select(t => t.To));
    }

    [Fact]
    public async Task Run_PolicyChanged_ReverifiesUnderTheNewVersionAndSkipsFreshRecordsOtherwise()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId);
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
        var verified = await push.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Verified, verified!.Status);

        await using (var same = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId))
        {
            using var tick = await Deliveries.SendAsync(same.Client, DeliveryShape.Binary, "{}", "tick-same", projectId, "imagetrust-reverify");
            Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
            Assert.Contains("published 0 work message(s)", same.Log, StringComparison.Ordinal);
        }

        Assert.Equal(verified.LastVerified, (await push.Records.GetAsync(key))!.LastVerified);

        await using var changed = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, policyPath: _environment.ChangedPolicyPath);
        await ReverifyWork.WireAsync(_environment, projectId, changed);
        using var response = await Deliveries.SendAsync(changed.Client, DeliveryShape.Binary, "{}", "tick-changed", projectId, "imagetrust-reverify");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var newVersion = TrustPolicyLoader.Load(_environment.ChangedPolicyPath).Version;
        var record = await ReverifyWork.UntilAsync(changed.Records, key, r => r.PolicyVersion == newVersion);
        Assert.NotEqual(verified.PolicyVersion, record.PolicyVersion);
        Assert.True(record.LastVerified > verified.LastVerified);
        Assert.Equal(ImageStatus.Verified, record.Status);
    }

    [Fact]
    public async Task Run_VerificationOlderThanMaxAge_Reverified()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
        var first = (await push.Records.GetAsync(key))!.LastVerified;
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await ReverifyWork.WireAsync(_environment, projectId, reverifier);

        clock.Advance(TimeSpan.FromHours(25));
        using var response = await Deliveries.SendAsync(reverifier.Client, DeliveryShape.Binary, "{}", "tick-1", projectId, "imagetrust-reverify");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await ReverifyWork.UntilAsync(reverifier.Records, key, r => r.LastVerified >= first + TimeSpan.FromHours(25));
    }

    [Fact]
    public async Task Work_RedeliveredAndRepeated_ReverifiesOnce()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
        clock.Advance(TimeSpan.FromHours(25));
        var work = Encoding.UTF8.GetString(new ReverificationWork(key, ReverificationSchedule.VerificationStale).ToJson());

        for (var i = 0; i < 2; i++)
        {
            using var response = await Deliveries.SendWorkAsync(reverifier.Client, work, "work-1", projectId);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var once = (await reverifier.Records.GetAsync(key))!;
        clock.Advance(TimeSpan.FromMinutes(1));
        using (var repeated = await Deliveries.SendWorkAsync(reverifier.Client, work, "work-2", projectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, repeated.StatusCode);
        }

        var record = (await reverifier.Records.GetAsync(key))!;
        Assert.Equal(once.LastVerified, record.LastVerified);
        Assert.Contains("work-1", record.ProcessedMessageIds);
        Assert.DoesNotContain("work-2", record.ProcessedMessageIds);
        Assert.Contains("ignored (NOT_DUE)", reverifier.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Work_Malformed_AcknowledgedWithReason()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var projectId = team.Settings.ProjectId;
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId);

        using var response = await Deliveries.SendWorkAsync(reverifier.Client, """{"image":"not a reference","reason":"X"}""", "work-bad", projectId);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        var alert = Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1));
        Assert.Contains("MALFORMED_WORK", Encoding.UTF8.GetString(alert.Message.Data.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DeletedRecordUnderAnOldPolicy_IsNotSwept()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using (var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId))
        {
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.Gcr("DELETE", key.ToString(), null), "m-2", projectId);
        }

        await using var changed = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, policyPath: _environment.ChangedPolicyPath);
        using var response = await Deliveries.SendAsync(changed.Client, DeliveryShape.Binary, "{}", "tick-1", projectId, "imagetrust-reverify");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ImageStatus.Deleted, (await changed.Records.GetAsync(key))!.Status);
        Assert.Contains("sweep read 0 due record(s), published 0 work message(s)", changed.Log, StringComparison.Ordinal);
    }
}
