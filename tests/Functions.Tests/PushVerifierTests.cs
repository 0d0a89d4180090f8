using System.Net;
using System.Text.Json;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.GoogleCloud;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline;
using ImageTrust.TestSupport.PubSub;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Functions.Tests;

/// <summary>PushVerifier on real Kestrel against the emulators, a real docker-registry and independent-signer fixtures.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PushVerifierTests
{
    private readonly PipelineEnvironment _environment;

    public PushVerifierTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Theory]
    [InlineData(DeliveryShape.Binary)]
    [InlineData(DeliveryShape.Structured)]
    [InlineData(DeliveryShape.RawPush)]
    [InlineData(DeliveryShape.RawPushSnakeCase)]
    public async Task Push_SignedImageInEachDeliveryShape_Verified(DeliveryShape shape)
    {
        await using var function = await StartAsync();
        var key = Key("skopeo-signed");

        using var response = await Deliveries.SendAsync(function.Client, shape, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await function.Records.GetAsync(key);
        Assert.NotNull(record);
        Assert.Equal(ImageStatus.Verified, record.Status);
        Assert.Equal("skopeo-enforce", record.PolicyRule);
        Assert.NotEmpty(record.Signers);
        Assert.NotNull(record.LastVerified);
        Assert.Contains("m-1", record.ProcessedMessageIds);
    }

    [Fact]
    public async Task Push_TagOnlyInsert_ResolvesTheDigest()
    {
        await using var function = await StartAsync();
        var key = Key("skopeo-signed");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(null, $"{key.Repository}:v1"), "m-tag", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ImageStatus.Verified, (await function.Records.GetAsync(key))!.Status);
    }

    [Fact]
    public async Task Push_UnsignedImageWithinGrace_PendingSignatureAndNoEvent()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = Key("skopeo-unsigned");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.PendingSignature, record!.Status);
        Assert.Contains(SignatureStatusPolicy.AwaitingSignature, record.Reasons);
        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Push_TamperedSignature_QuarantinedWithOneQuarantineEvent()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = Key("skopeo-tampered");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ImageStatus.Quarantined, (await function.Records.GetAsync(key))!.Status);
        var quarantined = Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        AssertEvent(quarantined, ImageEventTypes.Quarantined, key);
        var cloudEvent = Deliveries.ParseData(quarantined.Message.Data);
        Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
        Assert.Equal("QUARANTINED", cloudEvent.GetProperty("data").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Push_SameMessageIdTenTimes_OneTransitionAndOneEvent()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = Key("skopeo-tampered");

        for (var i = 0; i < 10; i++)
        {
            var shape = (DeliveryShape)(i % 4);
            using var response = await Deliveries.SendAsync(function.Client, shape, Deliveries.GcrInsert(key.ToString()), "same-id", function.ProjectId);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var record = await function.Records.GetAsync(key);
        Assert.Single(record!.History);
        Assert.Equal(ImageStatus.Quarantined, record.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
    }

    [Fact]
    public async Task Push_ManyConcurrentPushesOfOneImage_AllAcknowledgedWithFewWrites()
    {
        const int pushes = 40;
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        CountingRecordStore? store = null;
        await using var function = await StartAsync(
            team.Settings.ProjectId,
            services => services.AddSingleton<ImageRecordStore>(provider => store = new CountingRecordStore(PipelineServices.CreateRecordStore(provider))));
        var (key, _) = await _environment.CopyImageAsync("skopeo-tampered", "skopeo", withSignatures: true);

        var statuses = await Task.WhenAll(Enumerable.Range(0, pushes).Select(async i =>
        {
            using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "push-" + i, function.ProjectId);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.NoContent, status));
        var record = (await function.Records.GetAsync(key))!;
        Assert.Equal(ImageStatus.Quarantined, record.Status);
        Assert.Equal(pushes, record.ProcessedMessageIds.Count(id => id.StartsWith("push-", StringComparison.Ordinal)));
        // Uncoalesced, every push would be its own write (40 conflicting writes to one document); arrivals spread out by a
        // loaded machine may open a few extra runs.
        Assert.InRange(store!.WritesByImage[key.ToString()], 1, pushes / 4);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
    }

    [Theory]
    [InlineData("keys/skopeo/TEST-ONLY-ecdsa-p256-key-a.pub", "VERIFIED")]
    [InlineData("keys/skopeo/TEST-ONLY-ecdsa-p256-key-b.pub", "QUARANTINED")]
    public async Task Push_KmsKeyRule_VerifiedOnlyWithTheKeyKmsServes(string servedKey, string expected)
    {
        const string keyVersion = "projects/imagetrust-test/locations/global/keyRings/release/cryptoKeys/signer/cryptoKeyVersions/1";
        var pem = await File.ReadAllTextAsync(_environment.Fixtures.PathOf(servedKey));
        var kmsResponse = JsonSerializer.Serialize(new Dictionary<string, string> { ["pem"] = pem, ["algorithm"] = "EC_SIGN_P256_SHA256", ["name"] = keyVersion });
        await using var kms = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(kmsResponse);
        });
        var policy = Path.Combine(Path.GetTempPath(), $"imagetrust-kms-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(policy, $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: kms-enforce
                scope: ["{_environment.RegistryHost}/skopeo/**"]
                authorities:
                  - name: release-key
                    key: {"{"}kms: "gcpkms://{keyVersion}"{"}"}
                tlog: insecure-ignore
                mode: enforce

            """);
        try
        {
            using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
            await using var function = await RunningFunction.StartAsync<PushVerifierFunction>(
                _environment,
                team.Settings.ProjectId,
                adjust: settings => settings with { Google = GoogleCloudSettings.Create(team.Settings.ProjectId, _environment.Emulators.PubSub.HostAndPort, _environment.Emulators.Firestore.HostAndPort, _environment.Analysis.BaseUri.ToString(), kmsEndpoint: kms.BaseUri.ToString()) },
                policyPath: policy);
            var key = Key("skopeo-signed");

            using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-kms", function.ProjectId);

            Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
            Assert.Equal(expected, (await function.Records.GetAsync(key))!.Status.ToWire());
            Assert.Contains($"GET /v1/{keyVersion}/publicKey", kms.Requests);
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Fact]
    public async Task Push_LateSignature_PendingSignatureThenVerified()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var (key, source) = await _environment.CopyImageAsync("skopeo-signed", "late", withSignatures: false);
        var signatureTag = source.Tags.Keys.Single(t => t.EndsWith(".sig", StringComparison.Ordinal));
        using var writer = new RegistryContentWriter(_environment.Registry.BaseUri);
        var repository = key.Repository[(_environment.RegistryHost.Length + 1)..];

        using (var first = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString(), $"{key.Repository}:v1"), "m-image", function.ProjectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        Assert.Equal(ImageStatus.PendingSignature, (await function.Records.GetAsync(key))!.Status);

        var signature = source.Manifests.Single(m => m.Digest == source.Tags[signatureTag]);
        var signatureDigest = await writer.PushManifestAsync(repository, signatureTag, _environment.Fixtures.ReadContent(signature.Digest), signature.MediaType);
        using (var second = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert($"{key.Repository}@{signatureDigest}", $"{key.Repository}:{signatureTag}"), "m-signature", function.ProjectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        }

        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Verified, record!.Status);
        Assert.Equal([ImageStatus.PendingSignature, ImageStatus.Verified], record.History.Select(t => t.To));
        Assert.Null(await function.Records.GetAsync(ImageKey.Parse($"{key.Repository}@{signatureDigest}")));
        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Push_BadSignatureUnderWarnRule_WarnedWithAlert()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = Key("openssl-ed25519");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ImageStatus.Warned, (await function.Records.GetAsync(key))!.Status);
        AssertEvent(Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1)), ImageEventTypes.Alert, key);
        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Push_NoMatchingRule_UnmanagedAndNothingPublished()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = Key("keyless-v1-issuer");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Unmanaged, record!.Status);
        Assert.Contains(PipelineReasons.NoMatchingRule, record.Reasons);
        Assert.Contains("UNMANAGED", function.Log, StringComparison.Ordinal);
        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
        Assert.Empty(await team.PullAsync(SecurityTeam.AlertsSubscription, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Push_DeleteOfVerifiedImage_Deleted()
    {
        await using var function = await StartAsync();
        var key = Key("skopeo-signed");
        await Deliveries.SendRecordedAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-insert", function.ProjectId);

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.Gcr("DELETE", key.ToString(), null), "m-delete", function.ProjectId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Deleted, record!.Status);
        Assert.Equal([ImageStatus.Verified, ImageStatus.Deleted], record.History.Select(t => t.To));
    }

    [Theory]
    [InlineData("not json at all", "MALFORMED_EVENT")]
    [InlineData("[1,2,3]", "MALFORMED_EVENT")]
    [InlineData("{\"action\":\"UPSERT\",\"digest\":\"example.com/a@sha256:0000000000000000000000000000000000000000000000000000000000000000\"}", "UNKNOWN_ACTION")]
    [InlineData("{\"action\":\"INSERT\",\"digest\":\"Not A Reference!!\"}", "INVALID_REFERENCE")]
    [InlineData("{\"action\":\"INSERT\",\"digest\":\"example.com/a:latest\"}", "INVALID_REFERENCE")]
    [InlineData("{\"action\":\"INSERT\"}", "MALFORMED_EVENT")]
    [InlineData("OVERSIZED", "OVERSIZED_EVENT")]
    public async Task Push_BadInput_AcknowledgedWithAnAlertEvent(string data, string reasonCode)
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        if (data == "OVERSIZED")
        {
            data = "{\"action\":\"INSERT\",\"padding\":\"" + new string('x', 100_000) + "\"}";
        }

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, data, "m-bad", function.ProjectId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1));
        Assert.Equal(ImageEventTypes.Alert, alert.Message.Attributes["type"]);
        Assert.Equal(reasonCode, alert.Message.Attributes["reasonCode"]);
        Assert.Equal("unknown", alert.Message.Attributes["digest"]);
        Assert.Equal("MEDIUM", alert.Message.Attributes["severity"]);
        Assert.Equal("m-bad", Deliveries.ParseData(alert.Message.Data).GetProperty("data").GetProperty("messageId").GetString());

        // The function is still serving.
        using var next = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(Key("skopeo-signed").ToString()), "m-good", function.ProjectId);
        Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
    }

    [Fact]
    public async Task Push_MalformedBase64_AcknowledgedWithAlertWithoutCrash()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);

        using var response = await Deliveries.SendRawAsync(function.Client, DeliveryShape.Binary, "%%%not-base64%%%", "m-b64", function.ProjectId);

        // The event is named by its CloudEvent headers, so its bad data is acknowledged (no endless redelivery) and alerted.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1));
        Assert.Equal("MALFORMED_DELIVERY", alert.Message.Attributes["reasonCode"]);
        using var next = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(Key("skopeo-signed").ToString()), "m-good", function.ProjectId);
        Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
    }

    [Fact]
    public async Task Push_RegistryUnreachable_ServiceUnavailableAndNoVerdict()
    {
        await using var function = await StartAsync();
        var digest = _environment.Fixtures.Scenario("skopeo-signed").Digest;
        var key = ImageKey.Parse($"127.0.0.1:{_environment.ClosedPort}/skopeo/signed@{digest}");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Null(await function.Records.GetAsync(key));
    }

    [Fact]
    public async Task Push_CrashBetweenCommitAndPublish_RedeliveryPublishesTheOutboxOnce()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(
            team.Settings.ProjectId,
            services => services.AddSingleton<PubSubPublisher>(provider => new FailingOncePublisher(
                new RestPubSubPublisher(new HttpClient(), team.Settings, null, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RestPubSubPublisher>.Instance),
                "imagetrust-quarantine")));
        var key = Key("skopeo-tampered");

        using (var first = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        var committed = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, committed!.Status);
        Assert.Equal(1, committed.PendingEvents);
        Assert.Empty(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));

        using (var redelivery = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId))
        {
            Assert.Equal(HttpStatusCode.NoContent, redelivery.StatusCode);
        }

        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        var after = await function.Records.GetAsync(key);
        Assert.Equal(0, after!.PendingEvents);
        Assert.Single(after.History);
    }

    [Fact]
    public async Task Push_ThroughAnEmulatorPushSubscription_Verified()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        await team.Admin.CreateTopicAsync("gcr");
        await team.Admin.CreateSubscriptionAsync("gcr-push", "gcr", pushEndpoint: function.Url);
        var key = Key("skopeo-signed");

        await team.Publisher.PublishAsync("gcr", [PubSubMessage.FromText(Deliveries.GcrInsert(key.ToString(), $"{key.Repository}:v1"))]);

        ImageRecord? record = null;
        for (var i = 0; i < 100 && record is null; i++)
        {
            await Task.Delay(100);
            record = await function.Records.GetAsync(key);
        }

        Assert.Equal(ImageStatus.Verified, record?.Status);
    }

    [Fact]
    public async Task Push_FromTwoSourceProjects_BothReachOneDeploymentThroughCrossProjectSubscriptions()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var sources = new[] { _environment.Emulators.NewProjectId(), _environment.Emulators.NewProjectId() };
        var keys = new List<ImageKey>();
        foreach (var source in sources)
        {
            // Each source project owns its gcr topic; the subscription lives in the ImageTrust project, as Terraform makes it.
            using var http = new HttpClient();
            var settings = _environment.Emulators.CreateSettings(source);
            var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
            await admin.CreateTopicAsync("gcr");
            await team.Admin.CreateSubscriptionAsync("push-verifier-" + source, "gcr", pushEndpoint: function.Url, topicProjectId: source);
            var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
            keys.Add(key);
            var publisher = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
            await publisher.PublishAsync("gcr", [PubSubMessage.FromText(Deliveries.GcrInsert(key.ToString()))]);
        }

        foreach (var key in keys)
        {
            var record = await ReverifyWork.UntilAsync(function.Records, key, r => r.Status == ImageStatus.Verified);
            Assert.Equal(ImageStatus.Verified, record.Status);
        }
    }

    internal static void AssertEvent(ReceivedPubSubMessage message, string type, ImageKey key)
    {
        Assert.Equal(type, message.Message.Attributes["type"]);
        Assert.Equal(key.Digest.ToString(), message.Message.Attributes["digest"]);
        Assert.Equal(key.Repository, message.Message.Attributes["repository"]);
        Assert.True(message.Message.Attributes.ContainsKey("severity"));
        using var document = JsonDocument.Parse(message.Message.Data);
        Assert.Equal(type, document.RootElement.GetProperty("type").GetString());
    }

    private ImageKey Key(string scenario)
    {
        var fixture = _environment.Fixtures.Scenario(scenario);
        return ImageKey.Parse($"{_environment.RegistryHost}/{fixture.Repository}@{fixture.Digest}");
    }

    private Task<RunningFunction> StartAsync(string? projectId = null, Action<IServiceCollection>? substitute = null)
        => RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId ?? _environment.Emulators.NewProjectId(), substitute);
}
