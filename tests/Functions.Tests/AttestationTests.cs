using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.Functions.OccurrenceHandler;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Reverifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.TestSupport.ContainerAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// Binary Authorization attestations on the real host and Kestrel, the emulators, the registry, the Container Analysis stand-in
/// (which stores occurrences) and a loopback Cloud KMS with a real P-256 key.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class AttestationTests
{
    private readonly PipelineEnvironment _environment;

    public AttestationTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task Push_VerifiedImage_OneAttestationThatPassesTheIndependentBinauthzCheck()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await attestor.StartAsync<PushVerifierFunction>();

        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);

        var record = (await push.Records.GetAsync(key))!;
        Assert.Equal(ImageStatus.Verified, record.Status);
        var occurrence = Assert.Single(attestor.Occurrences());
        Assert.Equal(occurrence["name"]!.GetValue<string>(), record.Attestation?.OccurrenceName);
        Assert.Null(record.PendingAttestation);
        Assert.Equal(1, attestor.Kms.SignCount);
        Assert.Equal("VERIFIED", await attestor.Model.ValidateAsync(occurrence, "https://" + key));
        var attested = Assert.Single(await attestor.Team.PullAsync(AttestorHarness.VerifiedSubscription, 1), m => m.Message.Attributes["type"] == ImageEventTypes.Attested);
        PushVerifierTests.AssertEvent(attested, ImageEventTypes.Attested, key);
    }

    [Fact]
    public async Task IndependentCheck_TamperedOccurrences_AreDeniedWithTheirReasons()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await attestor.StartAsync<PushVerifierFunction>();
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
        var occurrence = Assert.Single(attestor.Occurrences());
        var uri = "https://" + key;

        var otherNote = (JsonObject)occurrence.DeepClone();
        otherNote["noteName"] = "projects/other/notes/n";
        var otherKeyId = (JsonObject)occurrence.DeepClone();
        otherKeyId["attestation"]!["signatures"]![0]!["publicKeyId"] = "//cloudkms.googleapis.com/v1/projects/other/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1";
        var otherDigest = (JsonObject)occurrence.DeepClone();
        otherDigest["attestation"]!["serializedPayload"] = Convert.ToBase64String(Convert.FromBase64String(occurrence["attestation"]!["serializedPayload"]!.GetValue<string>()).Select(b => b == (byte)'a' ? (byte)'b' : b).ToArray());

        Assert.Equal("NOTE_IS_NOT_THE_ATTESTORS", await attestor.Model.ValidateAsync(otherNote, uri));
        Assert.Equal("NO_SIGNATURE_VERIFIES_WITH_THE_ATTESTORS_KEY", await attestor.Model.ValidateAsync(otherKeyId, uri));
        Assert.Equal("PAYLOAD_DOES_NOT_NAME_THE_IMAGE", await attestor.Model.ValidateAsync(otherDigest, uri));
    }

    [Fact]
    public async Task Occurrence_CriticalFixableVulnerability_QuarantinesAndWithdrawsInTheSameHandling()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using (var push = await attestor.StartAsync<PushVerifierFunction>())
        {
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
        }

        Assert.Single(attestor.Occurrences());
        await using var handler = await attestor.StartAsync<OccurrenceHandlerFunction>();
        var vulnerability = OccurrenceJsonBuilder.Vulnerability("projects/analysis/occurrences/" + Guid.NewGuid().ToString("N"), "https://" + key, "CVE-2026-3333", "CRITICAL", "3.0.15");
        _environment.Analysis.Put(vulnerability);

        using var response = await Deliveries.SendAsync(handler.Client, DeliveryShape.Binary, Deliveries.OccurrenceNotification(vulnerability["name"]!.GetValue<string>(), "VULNERABILITY"), "o-1", attestor.ProjectId, "container-analysis-occurrences-v1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(attestor.Occurrences());
        var record = (await handler.Records.GetAsync(key))!;
        Assert.Equal(ImageStatus.Quarantined, record.Status);
        Assert.Null(record.Attestation);
        Assert.Null(record.PendingAttestation);
        var quarantine = await attestor.Team.PullAsync(SecurityTeam.QuarantineSubscription, 2);
        Assert.Equal([ImageEventTypes.AttestationWithdrawn, ImageEventTypes.Quarantined], quarantine.Select(m => m.Message.Attributes["type"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Push_SameMessageTenTimes_OneOccurrenceAndOneSignature()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await attestor.StartAsync<PushVerifierFunction>();

        for (var i = 0; i < 10; i++)
        {
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
        }

        Assert.Single(attestor.Occurrences());
        Assert.Equal(1, attestor.Kms.SignCount);
    }

    [Fact]
    public async Task Push_CrashAfterCommit_StatusStandsAndTheRedeliveryAttestsOnce()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using (var crashing = await attestor.StartAsync<PushVerifierFunction>(services => services.AddSingleton<ImageAttestor>(provider => new CrashingAttestor(ActivatorUtilities.CreateInstance<BinaryAuthorizationAttestor>(provider)))))
        {
            using var first = await Deliveries.SendAsync(crashing.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
            Assert.False(first.IsSuccessStatusCode);
            var committed = (await crashing.Records.GetAsync(key))!;
            Assert.Equal(ImageStatus.Verified, committed.Status);
            Assert.Equal(AttestationAction.Attest, committed.PendingAttestation);
            Assert.Empty(attestor.Occurrences());
        }

        // The crashed delivery's claim blocks a redelivery until it lapses; this one comes after that.
        await using var soon = await attestor.StartAsync<PushVerifierFunction>();
        using (var blocked = await Deliveries.SendAsync(soon.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        }

        var later = new OffsetTimeProvider(ImageTrust.Pipeline.Persistence.ImageDocumentClaims.Duration + TimeSpan.FromSeconds(1));
        await using var push = await attestor.StartAsync<PushVerifierFunction>(services => services.AddSingleton<TimeProvider>(later));
        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);

        var record = (await push.Records.GetAsync(key))!;
        Assert.Equal(Assert.Single(attestor.Occurrences())["name"]!.GetValue<string>(), record.Attestation?.OccurrenceName);
        Assert.Null(record.PendingAttestation);
        Assert.Null(record.AttestationClaimedUntil);
    }

    [Fact]
    public async Task Push_SameMessageToTwoInstancesAtOnce_OneOccurrence()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var first = await attestor.StartAsync<PushVerifierFunction>();
        await using var second = await attestor.StartAsync<PushVerifierFunction>();
        _environment.Analysis.CreateDelay = TimeSpan.FromMilliseconds(300);
        try
        {
            var deliveries = new List<Task<HttpResponseMessage>>();
            for (var i = 0; i < 4; i++)
            {
                deliveries.Add(Deliveries.SendAsync((i % 2 == 0 ? first : second).Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId));
            }

            var responses = await Task.WhenAll(deliveries);
            Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode || r.StatusCode == HttpStatusCode.ServiceUnavailable, r.StatusCode.ToString()));
            foreach (var response in responses)
            {
                response.Dispose();
            }

            // Pub/Sub redelivers what was answered 503; by then the action is done.
            await Deliveries.SendRecordedAsync(first.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
        }
        finally
        {
            _environment.Analysis.CreateDelay = TimeSpan.Zero;
        }

        Assert.Single(attestor.Occurrences());
        Assert.Equal(1, attestor.Kms.SignCount);
        Assert.NotNull((await first.Records.GetAsync(key))!.Attestation);
    }

    /// <summary>The system clock, shifted: real timers, later wall-clock time.</summary>
    private sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    [Fact]
    public async Task Push_KmsUnavailableThenBack_503WithoutRollbackThenExactlyOneOccurrence()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await attestor.StartAsync<PushVerifierFunction>();
        attestor.Kms.FailNext(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 6).ToArray());

        using (var first = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        var pending = (await push.Records.GetAsync(key))!;
        Assert.Equal(ImageStatus.Verified, pending.Status);
        Assert.Equal(AttestationAction.Attest, pending.PendingAttestation);
        Assert.Empty(attestor.Occurrences());

        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);

        Assert.Single(attestor.Occurrences());
        Assert.Null((await push.Records.GetAsync(key))!.PendingAttestation);
    }

    [Fact]
    public async Task Reverifier_VerifiedImageWhoseAttestationWasDeletedByHand_AttestsAgain()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using (var push = await attestor.StartAsync<PushVerifierFunction>())
        {
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
        }

        var original = Assert.Single(attestor.Occurrences())["name"]!.GetValue<string>();
        _environment.Analysis.Remove(original);

        // A day later the verification is past its maximum age, so the sweep publishes the image's work message.
        await using var reverifier = await attestor.StartAsync<ReverifierFunction>(s => s.AddSingleton<TimeProvider>(new OffsetTimeProvider(PipelineSettings.DefaultReverifyMaxAge + TimeSpan.FromHours(1))));
        await ReverifyWork.WireAsync(_environment, attestor.ProjectId, reverifier);

        await Deliveries.SendRecordedAsync(reverifier.Client, DeliveryShape.Binary, "{}", "tick-1", attestor.ProjectId, "imagetrust-reverify");

        Assert.Contains("published 1 work message(s)", reverifier.Log, StringComparison.Ordinal);
        await ReverifyWork.UntilAsync(reverifier.Records, key, r => r.Attestation is { } a && a.OccurrenceName != original && r.PendingAttestation is null);
        var recreated = Assert.Single(attestor.Occurrences())["name"]!.GetValue<string>();
        Assert.NotEqual(original, recreated);
        Assert.Equal(recreated, (await reverifier.Records.GetAsync(key))!.Attestation?.OccurrenceName);
        Assert.Empty(await attestor.Team.PullAsync(SecurityTeam.AlertsSubscription, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Work_ImageNoLongerDueWhoseAttestationWasDeletedByHand_AttestsAgainWithoutReverifying()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using (var push = await attestor.StartAsync<PushVerifierFunction>())
        {
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
        }

        var original = Assert.Single(attestor.Occurrences())["name"]!.GetValue<string>();
        _environment.Analysis.Remove(original);
        await using var reverifier = await attestor.StartAsync<ReverifierFunction>();
        var verified = (await reverifier.Records.GetAsync(key))!;
        var work = Encoding.UTF8.GetString(new ReverificationWork(key, ReverificationSchedule.VerificationStale).ToJson());

        using (var response = await Deliveries.SendWorkAsync(reverifier.Client, work, "work-1", attestor.ProjectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Contains("ignored (NOT_DUE)", reverifier.Log, StringComparison.Ordinal);
        var recreated = Assert.Single(attestor.Occurrences())["name"]!.GetValue<string>();
        Assert.NotEqual(original, recreated);
        var record = (await reverifier.Records.GetAsync(key))!;
        Assert.Equal(recreated, record.Attestation?.OccurrenceName);
        Assert.Equal(verified.LastVerified, record.LastVerified);
    }

    [Fact]
    public async Task Reverifier_QuarantinedImageWithAHandMadeAttestation_DeletesItAndAlertsDrift()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (key, _) = await _environment.CopyImageAsync("skopeo-unsigned", "skopeo", withSignatures: false);
        await using (var push = await attestor.StartAsync<PushVerifierFunction>())
        {
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", attestor.ProjectId);
            Assert.NotEqual(ImageStatus.Verified, (await push.Records.GetAsync(key))!.Status);
        }

        Assert.Empty(attestor.Occurrences());
        _environment.Analysis.Put(new JsonObject
        {
            ["name"] = $"projects/{attestor.ProjectId}/occurrences/by-hand",
            ["kind"] = "ATTESTATION",
            ["resourceUri"] = "https://" + key,
            ["noteName"] = attestor.NoteName,
            ["attestation"] = new JsonObject { ["serializedPayload"] = Convert.ToBase64String("{}"u8.ToArray()), ["signatures"] = new JsonArray() },
        });

        // A day later the grace period and the maximum age have passed, so the sweep publishes the image's work message.
        await using var reverifier = await attestor.StartAsync<ReverifierFunction>(s => s.AddSingleton<TimeProvider>(new OffsetTimeProvider(PipelineSettings.DefaultReverifyMaxAge + TimeSpan.FromHours(1))));
        await ReverifyWork.WireAsync(_environment, attestor.ProjectId, reverifier);

        await Deliveries.SendRecordedAsync(reverifier.Client, DeliveryShape.Binary, "{}", "tick-1", attestor.ProjectId, "imagetrust-reverify");

        Assert.Contains("published 1 work message(s)", reverifier.Log, StringComparison.Ordinal);
        await UntilNoOccurrencesAsync(attestor);
        Assert.Empty(attestor.Occurrences());
        var alert = Assert.Single(await attestor.Team.PullAsync(SecurityTeam.AlertsSubscription, 1), m => m.Message.Attributes["type"] == ImageEventTypes.Alert && Deliveries.ParseData(m.Message.Data).GetProperty("data").GetProperty("summary").GetString()!.StartsWith(AttestationReconciler.DriftReason, StringComparison.Ordinal));
        Assert.Equal("HIGH", alert.Message.Attributes["severity"]);
        Assert.Null((await reverifier.Records.GetAsync(key))!.Attestation);
    }

    [Fact]
    public async Task Push_AttestationsOff_NoKmsOrOccurrenceCalls()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId);

        await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", projectId);

        var record = (await push.Records.GetAsync(key))!;
        Assert.Equal(ImageStatus.Verified, record.Status);
        Assert.Null(record.Attestation);
        Assert.Null(record.PendingAttestation);
        Assert.Null(push.Services.GetService<ImageAttestor>());
    }

    // The work message is pushed to the Reverifier asynchronously, so its effect on the note is awaited.
    private static async Task UntilNoOccurrencesAsync(AttestorHarness attestor)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (attestor.Occurrences().Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{attestor.Occurrences().Count} occurrence(s) still on {attestor.NoteName}");
            await Task.Delay(100);
        }
    }

    /// <summary>Throws where a process would die: after the commit, before any attestation call.</summary>
    private sealed class CrashingAttestor(ImageAttestor inner) : ImageAttestor
    {
        public override Task<ImageAttestation> AttestAsync(ImageKey key, CancellationToken cancellationToken = default) => throw new InvalidOperationException("simulated crash after commit");

        public override Task<int> WithdrawAsync(ImageKey key, CancellationToken cancellationToken = default) => inner.WithdrawAsync(key, cancellationToken);

        public override Task<System.Collections.Immutable.ImmutableArray<ImageAttestation>> ListAsync(ImageKey key, CancellationToken cancellationToken = default) => inner.ListAsync(key, cancellationToken);
    }
}
