using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ImageTrust.Functions.Reverifier;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>
/// One sweep end to end: RECORDS image records seeded straight into the Firestore emulator, DUE of them due (verified 25 h ago,
/// real images in the registry), the rest verified an hour ago; a sweeping Reverifier whose Firestore is a read-counting proxy;
/// work messages pushed by the emulator to a second Reverifier instance (the scaled-out workers). Every figure is taken outside
/// the code under test: documents read by the proxy, work messages by a pull subscription, re-verified records by a query.
/// </summary>
internal static class SweepBench
{
    public sealed record Figures(int Records, int Due, long DocumentsRead, int WorkMessages, int Reverified, double Seconds)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"records={Records} due={Due} documents_read={DocumentsRead} work_messages={WorkMessages} reverified={Reverified} seconds={Seconds:F1}");
    }

    public static async Task<Figures> RunAsync(PipelineEnvironment environment, int records, int due, int batch, TimeSpan patience)
    {
        var projectId = environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(environment, projectId);
        await team.Admin.CreateTopicAsync(PipelineSettings.DefaultReverifyWorkTopic);
        await team.Admin.CreateSubscriptionAsync("work-counter", PipelineSettings.DefaultReverifyWorkTopic);
        var policy = TrustPolicyLoader.Load(environment.PolicyPath);
        var now = DateTimeOffset.UtcNow;
        var dueKeys = await PushDueImagesAsync(environment, due);
        await SeedAsync(team.Settings, policy, records, dueKeys, now);

        await using var counter = await FirestoreReadCounter.StartAsync(environment.Emulators.Firestore.HostAndPort);
        var emulators = environment.Emulators;
        await using var sweeper = await RunningFunction.StartAsync<ReverifierFunction>(environment, projectId, adjust: s => s with
        {
            ReverifyBatch = batch,
            Google = GoogleCloudSettings.Create(projectId, emulators.PubSub.HostAndPort, counter.HostPort, environment.Analysis.BaseUri.ToString()),
        });
        await using var workers = await RunningFunction.StartAsync<ReverifierFunction>(environment, projectId, adjust: s => s with { ReverifyBatch = batch });
        await team.Admin.CreateSubscriptionAsync("work-push", PipelineSettings.DefaultReverifyWorkTopic, pushEndpoint: workers.Url, ackDeadlineSeconds: 120);

        var watch = Stopwatch.StartNew();
        using (var tick = await Deliveries.SendAsync(sweeper.Client, DeliveryShape.Binary, "{\"trigger\":\"schedule\"}", "tick-1", projectId, "imagetrust-reverify"))
        {
            Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
        }

        var documentsRead = counter.DocumentsRead;
        var reverified = 0;
        var deadline = DateTime.UtcNow + patience;
        var documents = new RestFirestoreDocumentStore(new HttpClient(), team.Settings, null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance);
        while (true)
        {
            reverified = await CountVerifiedSinceAsync(documents, now);
            if (reverified >= Math.Min(due, batch) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var work = await team.PullAsync("work-counter", Math.Min(due, batch), TimeSpan.FromSeconds(5));
        return new Figures(records, due, documentsRead, work.Count, reverified, seconds);
    }

    // Distinct images (one manifest each, differing in a layer annotation) over one config and layer, in one repository.
    private static async Task<List<ImageKey>> PushDueImagesAsync(PipelineEnvironment environment, int due)
    {
        var repository = $"skopeo/sweep-{Guid.NewGuid():N}"[..20];
        using var writer = new RegistryContentWriter(environment.Registry.BaseUri);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var layer = Encoding.UTF8.GetBytes("sweep layer");
        var configDigest = await writer.PushBlobAsync(repository, config);
        var layerDigest = await writer.PushBlobAsync(repository, layer);
        var keys = new List<ImageKey>(due);
        for (var i = 0; i < due; i++)
        {
            var manifest = RegistryContentWriter.BuildManifest(
                ("application/vnd.oci.image.config.v1+json", configDigest, config.Length, null),
                [("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.Length, new Dictionary<string, string> { ["n"] = i.ToString(CultureInfo.InvariantCulture) })]);
            var digest = await writer.PushManifestAsync(repository, "v" + i.ToString(CultureInfo.InvariantCulture), manifest);
            keys.Add(ImageKey.Parse($"{environment.RegistryHost}/{repository}@{digest}"));
        }

        return keys;
    }

    private static async Task SeedAsync(GoogleCloudSettings settings, TrustPolicy policy, int records, List<ImageKey> dueKeys, DateTimeOffset now)
    {
        using var http = new HttpClient();
        var documents = new RestFirestoreDocumentStore(http, settings, null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance);
        var schedule = new ReverificationSchedule(policy, PipelineSettings.DefaultReverifyMaxAge);
        var writes = new List<FirestoreWrite>();
        for (var i = 0; i < records; i++)
        {
            var isDue = i < dueKeys.Count;
            var key = isDue
                ? dueKeys[i]
                : ImageKey.Parse($"registry.example/skopeo/fresh@sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))}");
            var record = new ImageRecord
            {
                Key = key,
                Status = ImageStatus.Verified,
                PolicyRule = "skopeo-enforce",
                PolicyVersion = policy.Version,
                FirstSeen = now - TimeSpan.FromDays(3),
                LastVerified = now - (isDue ? TimeSpan.FromHours(25) : TimeSpan.FromHours(1)),
                ProcessedMessageIds = ["seed"],
            };
            record = record with { DueAt = schedule.DueAt(record) };
            writes.Add(FirestoreWrite.Set(FirestoreImageRecordStore.DefaultCollection, ImageDocumentIds.For(key), ImageRecordDocument.ToFields(new StoredImageRecord(record, [])), [ImageRecordDocument.UpdatedField]));
            if (writes.Count == 500 || i == records - 1)
            {
                await documents.CommitAsync(writes);
                writes.Clear();
            }
        }
    }

    private static async Task<int> CountVerifiedSinceAsync(FirestoreDocumentStore documents, DateTimeOffset since)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await documents.QueryAsync(new FirestoreQuery(
                FirestoreImageRecordStore.DefaultCollection,
                FirestoreQuery.MaxPageSize,
                token,
                [new FirestoreFieldFilter("lastVerified", FirestoreOperator.GreaterThanOrEqual, FirestoreValue.Timestamp(since))],
                ["lastVerified"]));
            count += page.Documents.Length;
            token = page.NextPageToken;
        }
        while (token is not null);
        return count;
    }
}
