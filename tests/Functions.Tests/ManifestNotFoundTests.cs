using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Reverifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// A push whose manifest the registry answers 404 for (issue 15, item 7), on real Kestrel, the real registry and the
/// emulators, with a fake clock for the backoff: recorded <c>PENDING_MANIFEST</c>, re-checked by the sweep until it is found
/// (verified) or deleted (a <c>DELETE</c> event settles it), alerted once when given up on; a 5xx stays a retry.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ManifestNotFoundTests
{
    private readonly PipelineEnvironment _environment;

    public ManifestNotFoundTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task Push_ManifestNotFound_PendingManifestWithNoEventAndDueInFiveMinutes()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var clock = new FakeTimeProvider(WholeSecondNow());
        var key = _environment.NewImageKey("skopeo-signed", "skopeo");
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, team.Settings.ProjectId, s => s.AddSingleton<TimeProvider>(clock));

        using var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString(), $"{key.Repository}:v1"), "m-1", push.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await push.Records.GetAsync(key);
        Assert.Equal(ImageStatus.PendingManifest, record!.Status);
        Assert.Equal(new[] { PipelineReasons.ManifestNotFound }, record.Reasons.ToArray());
        Assert.Equal("skopeo-enforce", record.PolicyRule);
        Assert.Null(record.LastVerified);
        Assert.Equal(clock.GetUtcNow() + ReverificationSchedule.FirstManifestRecheck, record.DueAt);
        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
        Assert.Empty(await team.PullAsync(SecurityTeam.AlertsSubscription, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Run_ManifestPushedAfterThe404_VerifiedOnTheNextDueSweep()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var clock = new FakeTimeProvider(WholeSecondNow());
        var key = _environment.NewImageKey("skopeo-signed", "skopeo");
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await ReverifyWork.WireAsync(_environment, projectId, reverifier);

        await _environment.PushImageAsync("skopeo-signed", key, withSignatures: true);
        clock.Advance(TimeSpan.FromMinutes(4));
        await TickAsync(reverifier, projectId, "tick-early");
        Assert.Equal(0, Published(reverifier.Log, "tick-early"));
        Assert.Equal(ImageStatus.PendingManifest, (await push.Records.GetAsync(key))!.Status);

        clock.Advance(TimeSpan.FromMinutes(1));
        await TickAsync(reverifier, projectId, "tick-due");

        Assert.Equal(1, Published(reverifier.Log, "tick-due"));
        var record = await ReverifyWork.UntilAsync(reverifier.Records, key, r => r.Status == ImageStatus.Verified);
        Assert.Equal([ImageStatus.PendingManifest, ImageStatus.Verified], record.History.Select(t => t.To));
        Assert.Empty(record.Reasons);
        Assert.NotEmpty(record.Signers);
        Assert.Equal(record.LastVerified + TimeSpan.FromHours(24), record.DueAt);
    }

    [Fact]
    public async Task Push_ManifestNotFoundThenDelete_DeletedAndNeverSweptAgain()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var clock = new FakeTimeProvider(WholeSecondNow());
        var key = _environment.NewImageKey("skopeo-signed", "skopeo");
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
        Assert.Equal(ImageStatus.PendingManifest, (await push.Records.GetAsync(key))!.Status);

        using (var delete = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.Gcr("DELETE", key.ToString(), null), "m-2", projectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var deleted = await push.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Deleted, deleted!.Status);
        Assert.Equal([ImageStatus.PendingManifest, ImageStatus.Deleted], deleted.History.Select(t => t.To));
        Assert.Null(deleted.DueAt);

        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        clock.Advance(TimeSpan.FromDays(2));
        await TickAsync(reverifier, projectId, "tick-1");

        Assert.Contains("sweep read 0 due record(s), published 0 work message(s)", reverifier.Log, StringComparison.Ordinal);
        Assert.Equal(ImageStatus.Deleted, (await reverifier.Records.GetAsync(key))!.Status);
    }

    [Fact]
    public async Task Run_ManifestNeverPushed_BacksOffDoublingThenAlertsOnceAtTheMaxAge()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var projectId = team.Settings.ProjectId;
        var clock = new FakeTimeProvider(WholeSecondNow());
        var pushed = clock.GetUtcNow();
        var key = _environment.NewImageKey("skopeo-signed", "skopeo");
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);
        await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, projectId, s => s.AddSingleton<TimeProvider>(clock));
        await ReverifyWork.WireAsync(_environment, projectId, reverifier);

        // Each sweep runs exactly at the recorded due time; the check it fans out moves the next one.
        int[] dueMinutes = [5, 10, 20, 40, 80, 160, 320, 640, 1280, 1440, 2880];
        var checks = 0;
        for (var i = 0; i < dueMinutes.Length - 1; i++)
        {
            clock.Advance(pushed.AddMinutes(dueMinutes[i]) - clock.GetUtcNow());
            var tick = "tick-" + dueMinutes[i].ToString(CultureInfo.InvariantCulture);
            await TickAsync(reverifier, projectId, tick);
            Assert.Equal(1, Published(reverifier.Log, tick));
            var next = pushed.AddMinutes(dueMinutes[i + 1]);
            var record = await ReverifyWork.UntilAsync(reverifier.Records, key, r => r.DueAt == next);
            Assert.Equal(ImageStatus.PendingManifest, record.Status);
            Assert.Null(record.LastVerified);
            checks++;

            if (dueMinutes[i] < 1440)
            {
                Assert.Equal(new[] { PipelineReasons.ManifestNotFound }, record.Reasons.ToArray());
                Assert.Empty(await team.PullAsync(SecurityTeam.AlertsSubscription, 0, TimeSpan.Zero));
            }
            else
            {
                Assert.Equal(new[] { PipelineReasons.ManifestNotFound, PipelineReasons.ManifestNeverFound }, record.Reasons.ToArray());
                var alert = Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1));
                PushVerifierTests.AssertEvent(alert, ImageEventTypes.Alert, key);
                Assert.Equal(ImageEventSeverities.High, alert.Message.Attributes["severity"]);
                var data = Deliveries.ParseData(alert.Message.Data).GetProperty("data");
                Assert.Equal("PENDING_MANIFEST", data.GetProperty("status").GetString());
                Assert.StartsWith(PipelineReasons.ManifestNeverFound, data.GetProperty("summary").GetString(), StringComparison.Ordinal);
            }

            // Not due between checks: a sweep a minute before the next due time publishes nothing.
            clock.Advance(next.AddMinutes(-1) - clock.GetUtcNow());
            await TickAsync(reverifier, projectId, tick + "-before-next");
            Assert.Equal(0, Published(reverifier.Log, tick + "-before-next"));
        }

        // Once given up on, a check per maximum age, and no second alert.
        clock.Advance(pushed.AddMinutes(2880) - clock.GetUtcNow());
        await TickAsync(reverifier, projectId, "tick-2880");
        await ReverifyWork.UntilAsync(reverifier.Records, key, r => r.DueAt == pushed.AddMinutes(2880 + 1440));
        Assert.Empty(await team.PullAsync(SecurityTeam.AlertsSubscription, 0, TimeSpan.FromSeconds(1)));
        Assert.Equal(10, checks);
    }

    [Fact]
    public async Task Push_RegistryAnswers500_ServiceUnavailableAndNothingRecorded()
    {
        await using var failing = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var policyPath = Path.Combine(Path.GetTempPath(), $"imagetrust-5xx-{Guid.NewGuid():N}.yaml");
        var keyPath = _environment.Fixtures.PathOf("keys/skopeo/TEST-ONLY-ecdsa-p256-key-a.pub");
        await File.WriteAllTextAsync(policyPath, $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: failing-registry
                scope: ["{failing.HostPort}/**"]
                authorities:
                  - name: key-a
                    key: {"{"}path: "{keyPath}"{"}"}
                tlog: insecure-ignore
                mode: enforce

            """);
        try
        {
            var projectId = _environment.Emulators.NewProjectId();
            await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(
                _environment,
                projectId,
                policyPath: policyPath,
                extraVariables: new Dictionary<string, string> { ["IMAGETRUST_HTTP_REGISTRIES"] = failing.HostPort });
            var key = ImageKey.Parse($"{failing.HostPort}/team/app@{_environment.Fixtures.Scenario("skopeo-signed").Digest}");

            using var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.Contains("Retry-After"));
            Assert.True(failing.RequestCount > 0);
            Assert.Null(await push.Records.GetAsync(key));
        }
        finally
        {
            File.Delete(policyPath);
        }
    }

    [Fact]
    public async Task Push_TagOnlyManifestNotFound_AcknowledgedWithAnAlert()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, team.Settings.ProjectId);
        var key = _environment.NewImageKey("skopeo-signed", "skopeo");

        using var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(null, $"{key.Repository}:v1"), "m-tag", push.ProjectId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1));
        Assert.Equal(PipelineReasons.ManifestNotFound, alert.Message.Attributes["reasonCode"]);
        Assert.Null(await push.Records.GetAsync(key));
    }

    // Firestore keeps microseconds: a clock on whole seconds lets due times read back compare exactly.
    private static DateTimeOffset WholeSecondNow() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static async Task TickAsync(RunningFunction reverifier, string projectId, string tickId)
    {
        using var response = await Deliveries.SendAsync(reverifier.Client, DeliveryShape.Binary, "{}", tickId, projectId, "imagetrust-reverify");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    // How many work messages the sweep run of trigger message tickId published, from its log line.
    private static int Published(string log, string tickId)
    {
        var match = Regex.Match(log, $@"Message {Regex.Escape(tickId)}: sweep read \d+ due record\(s\), published (\d+) work message\(s\)");
        Assert.True(match.Success, $"no sweep log line for {tickId}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
