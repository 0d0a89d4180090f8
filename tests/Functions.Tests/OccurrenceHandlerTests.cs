using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ImageTrust.Functions.OccurrenceHandler;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.PubSub;
using ImageTrust.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ImageTrust.Functions.Tests;

/// <summary>OccurrenceHandler on real Kestrel against the emulators and the Container Analysis stand-in.</summary>
[Collection(PipelineCollection.Name)]
public sealed class OccurrenceHandlerTests
{
    private readonly PipelineEnvironment _environment;
    private readonly ITestOutputHelper _output;

    public OccurrenceHandlerTests(PipelineEnvironment environment, ITestOutputHelper output)
    {
        _environment = environment;
        _output = output;
    }

    [Fact]
    public async Task Vulnerability_FixableHighOnVerifiedImage_QuarantinedWithSummary()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var key = await VerifiedImageAsync(team.Settings.ProjectId);
        await using var function = await StartAsync(team.Settings.ProjectId);
        var name = Put(OccurrenceJsonBuilder.Vulnerability(OccurrenceName(), ResourceUri(key), "CVE-2026-1111", "HIGH", "3.0.12"));

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.OccurrenceNotification(name, "VULNERABILITY"), "o-1", function.ProjectId, "container-analysis-occurrences-v1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Contains(PipelineReasons.VulnerabilityBlocked, record.Reasons);
        Assert.Equal(1, record.Vulnerabilities!.High);
        Assert.Equal("CVE-2026-1111", Assert.Single(record.Vulnerabilities.BlockingCves));
        PushVerifierTests.AssertEvent(Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1)), ImageEventTypes.Quarantined, key);
    }

    [Fact]
    public async Task Vulnerability_NoFixAvailable_StaysVerifiedWithSummary()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var key = await VerifiedImageAsync(projectId);
        await using var function = await StartAsync(projectId);
        var name = Put(OccurrenceJsonBuilder.Vulnerability(OccurrenceName(), ResourceUri(key), "CVE-2026-2222", "CRITICAL", fixedVersion: null));

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Structured, Deliveries.OccurrenceNotification(name, "VULNERABILITY"), "o-1", function.ProjectId, "container-analysis-occurrences-v1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Verified, record!.Status);
        Assert.Equal(1, record.Vulnerabilities!.Critical);
        Assert.Empty(record.Vulnerabilities.BlockingCves);
    }

    [Fact]
    public async Task Discovery_Finished_RecordsTheScanStatus()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var key = await VerifiedImageAsync(projectId);
        await using var function = await StartAsync(projectId);
        var name = Put(OccurrenceJsonBuilder.Discovery(OccurrenceName(), ResourceUri(key), "FINISHED_SUCCESS"));

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.RawPush, Deliveries.OccurrenceNotification(name, "DISCOVERY"), "o-1", function.ProjectId, "container-analysis-occurrences-v1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("FINISHED_SUCCESS", (await function.Records.GetAsync(key))!.ScanStatus);
    }

    [Fact]
    public async Task Attestation_ReverifiesTheImage()
    {
        var projectId = _environment.Emulators.NewProjectId();
        var key = await VerifiedImageAsync(projectId);
        CountingImageVerifier? verifier = null;
        await using var function = await StartAsync(projectId, services => services.AddSingleton<ImageVerifier>(provider => verifier = new CountingImageVerifier(PipelineServices.CreateImageVerifier(provider))));
        var before = (await function.Records.GetAsync(key))!.LastVerified;
        var name = Put(new JsonObject
        {
            ["name"] = OccurrenceName(),
            ["resourceUri"] = ResourceUri(key),
            ["noteName"] = "projects/p/notes/attestor",
            ["kind"] = "ATTESTATION",
            ["attestation"] = new JsonObject { ["serializedPayload"] = "e30=" },
        });

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.OccurrenceNotification(name, "ATTESTATION"), "o-att", function.ProjectId, "container-analysis-occurrences-v1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, verifier!.Count);
        var record = await function.Records.GetAsync(key);
        Assert.True(record!.LastVerified > before);
        Assert.Contains("o-att", record.ProcessedMessageIds);
    }

    [Fact]
    public async Task Notification_MalformedName_AcknowledgedWithAlert()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, "{\"name\":\"../../etc/passwd\",\"kind\":\"VULNERABILITY\"}", "o-bad", function.ProjectId, "container-analysis-occurrences-v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("MALFORMED_EVENT", Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1)).Message.Attributes["reasonCode"]);
    }

    [Fact]
    public async Task Burst_5000NotificationsOver100Digests_FewEvaluationsAndWritesPerImageAndOneQuarantineEach()
    {
        const int digests = 100;
        const int perDigest = 50;
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        CountingRecordStore? store = null;
        CountingImageVerifier? verifier = null;
        await using var function = await StartAsync(
            team.Settings.ProjectId,
            services => services
                .AddSingleton<ImageRecordStore>(provider => store = new CountingRecordStore(PipelineServices.CreateRecordStore(provider)))
                .AddSingleton<ImageVerifier>(provider => verifier = new CountingImageVerifier(PipelineServices.CreateImageVerifier(provider))));
        var names = new List<string>();
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var d = 0; d < digests; d++)
        {
            var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(run + d)));
            var resource = $"https://{_environment.RegistryHost}/skopeo/burst@{digest}";
            for (var n = 0; n < perDigest; n++)
            {
                var cve = string.Create(CultureInfo.InvariantCulture, $"CVE-2026-{10000 + n}");
                names.Add(Put(OccurrenceJsonBuilder.Vulnerability(OccurrenceName(), resource, cve, n == 0 ? "HIGH" : "LOW", "1.2.3")));
            }
        }

        var order = names.OrderBy(_ => Random.Shared.Next()).ToList();
        var watch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(400);
        var statuses = await Task.WhenAll(order.Select(async (name, i) =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.RawPush, Deliveries.OccurrenceNotification(name, "VULNERABILITY"), "b-" + i.ToString(CultureInfo.InvariantCulture), function.ProjectId, "container-analysis-occurrences-v1");
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));
        var drained = watch.Elapsed;

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.NoContent, status));
        var evaluations = function.Services.GetRequiredService<OccurrenceService>().VulnerabilityEvaluations;
        var writes = store!.WritesByImage;
        var maxWrites = writes.Values.Max();
        _output.WriteLine($"burst: {names.Count} notifications over {digests} digests drained in {drained.TotalSeconds:F1} s; {evaluations} evaluations; {writes.Values.Sum()} writes, at most {maxWrites} per image; {verifier!.Count} registry verifications");
        Assert.Equal(digests, writes.Count);
        // The window itself (one write per image per second) is pinned on a fake clock in OccurrenceServiceTests; here the
        // whole function shows that unchanged findings are not rewritten and that runs stay near one per image per window.
        Assert.True(maxWrites <= 3, $"{maxWrites} writes of one image");
        Assert.True(evaluations <= digests * (1 + (int)Math.Ceiling(drained.TotalSeconds)), $"{evaluations} evaluations in {drained.TotalSeconds:F1} s");
        Assert.Equal(0, verifier.Count);
        Assert.Equal(digests, (await team.PullAsync(SecurityTeam.QuarantineSubscription, digests, TimeSpan.FromSeconds(20))).Count);
    }

    private async Task<ImageKey> VerifiedImageAsync(string projectId)
    {
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId);
        var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        using var response = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "push-1", projectId);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ImageStatus.Verified, (await push.Records.GetAsync(key))!.Status);
        return key;
    }

    [Fact]
    public async Task Vulnerability_FromTwoSourceProjects_EachQuarantineEventCarriesItsOwnProject()
    {
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var policyPath = Path.Combine(Path.GetTempPath(), $"imagetrust-projects-{Guid.NewGuid():N}.yaml");
        var keyPath = _environment.Fixtures.PathOf("keys/skopeo/TEST-ONLY-ecdsa-p256-key-a.pub");
        await File.WriteAllTextAsync(policyPath, $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: artifact-registry
                scope: ["europe-docker.pkg.dev/**"]
                authorities:
                  - name: key-a
                    key: {"{"}path: "{keyPath}"{"}"}
                tlog: insecure-ignore
                mode: enforce
                vulnerabilities:
                  blockAtOrAbove: HIGH
                  onlyWithFix: true

            """);
        try
        {
            await using var function = await RunningFunction.StartAsync<OccurrenceHandlerFunction>(_environment, team.Settings.ProjectId, policyPath: policyPath);
            var expected = new Dictionary<string, ImageKey>();
            foreach (var source in new[] { _environment.Emulators.NewProjectId(), _environment.Emulators.NewProjectId() })
            {
                // Each source project owns its occurrences topic; the subscription lives in the ImageTrust project, as Terraform makes it.
                using var http = new HttpClient();
                var settings = _environment.Emulators.CreateSettings(source);
                var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
                await admin.CreateTopicAsync("container-analysis-occurrences-v1");
                await team.Admin.CreateSubscriptionAsync("occurrence-handler-" + source, "container-analysis-occurrences-v1", pushEndpoint: function.Url, topicProjectId: source);
                var key = ImageKey.Parse($"europe-docker.pkg.dev/{source}/apps/web@sha256:{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}");
                expected[source] = key;
                var name = Put(OccurrenceJsonBuilder.Vulnerability($"projects/{source}/occurrences/{Guid.NewGuid():N}", ResourceUri(key), "CVE-2026-7777", "HIGH", "1.0.1"));
                var publisher = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
                await publisher.PublishAsync("container-analysis-occurrences-v1", [PubSubMessage.FromText(Deliveries.OccurrenceNotification(name, "VULNERABILITY"))]);
            }

            var events = await team.PullAsync(SecurityTeam.QuarantineSubscription, 2, TimeSpan.FromSeconds(30));

            Assert.Equal(2, events.Count);
            foreach (var (source, key) in expected)
            {
                var quarantine = Assert.Single(events, e => e.Message.Attributes["digest"] == key.Digest.ToString());
                PushVerifierTests.AssertEvent(quarantine, ImageEventTypes.Quarantined, key);
                Assert.Equal(source, quarantine.Message.Attributes["sourceProject"]);
                Assert.Equal(source, Deliveries.ParseData(quarantine.Message.Data).GetProperty("data").GetProperty("sourceProject").GetString());
                Assert.Equal(ImageStatus.Quarantined, (await function.Records.GetAsync(key))!.Status);
            }
        }
        finally
        {
            File.Delete(policyPath);
        }
    }

    private string Put(JsonObject occurrence)
    {
        _environment.Analysis.Put(occurrence);
        return occurrence["name"]!.GetValue<string>();
    }

    private static string OccurrenceName() => "projects/analysis/occurrences/" + Guid.NewGuid().ToString("N");

    private static string ResourceUri(ImageKey key) => "https://" + key;

    private Task<RunningFunction> StartAsync(string projectId, Action<IServiceCollection>? substitute = null)
        => RunningFunction.StartAsync<OccurrenceHandlerFunction>(_environment, projectId, substitute);
}
