using System.Text;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.Model;
using ImageTrust.Shared.Tests.Cli;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Pipeline.Persistence;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Emulators;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.Pipeline.Services;

/// <summary>
/// The occurrence rate limit on a fake clock, against the Firestore emulator: a burst of notifications for one image is one
/// evaluation and one write, and the image's document is written at most once a window (1 s), end of one run to start of the next.
/// </summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class OccurrenceServiceTests : IDisposable
{
    private const string Image = "europe-docker.pkg.dev/acme-prod/apps/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly GoogleEmulatorsFixture _emulators;
    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();

    public OccurrenceServiceTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task HandleAsync_BurstsForOneImage_OneEvaluationAndOneWritePerWindow()
    {
        var env = Create();
        var key = ImageKey.Parse(Image);
        var documentId = ImageDocumentIds.For(key);
        var names = Enumerable.Range(0, 20).Select(i => env.Analysis.AddVulnerability("https://" + Image, $"CVE-2026-{1000 + i}", i == 0 ? Severity.High : Severity.Low, fixAvailable: true)).ToList();

        var first = names.Select((name, i) => env.Service.HandleAsync(Notification(name), $"n{i}")).ToList();
        await env.Clock.AdvanceThroughNextTimerAsync(Window / 10);
        await Task.WhenAll(first);

        Assert.Equal(1, env.Service.VulnerabilityEvaluations);
        Assert.Equal(1, env.Analysis.VulnerabilityLists);
        var (_, firstWrite) = Assert.Single(env.Documents.DocumentWrites(documentId));
        var record = (await env.Store.GetAsync(key))!;
        Assert.Equal(ImageStatus.Quarantined, record.Status);
        Assert.Equal(["CVE-2026-1000"], record.Vulnerabilities!.BlockingCves.ToArray());
        Assert.Equal(names.Select((_, i) => $"n{i}").Order(StringComparer.Ordinal), record.ProcessedMessageIds.Order(StringComparer.Ordinal));

        env.Clock.Advance(TimeSpan.FromMilliseconds(200));
        var late = env.Analysis.AddVulnerability("https://" + Image, "CVE-2026-2000", Severity.Critical, fixAvailable: true);
        var second = Enumerable.Range(0, 10).Select(i => env.Service.HandleAsync(Notification(i == 0 ? late : names[i]), $"r{i}")).ToList();
        Assert.Equal(Window - TimeSpan.FromMilliseconds(200), await env.Clock.NextTimerAsync());
        env.Clock.Advance(Window - TimeSpan.FromMilliseconds(200) - TimeSpan.FromTicks(1));

        Assert.Equal(1, env.Service.VulnerabilityEvaluations);
        Assert.Single(env.Documents.DocumentWrites(documentId));
        Assert.All(second, call => Assert.False(call.IsCompleted));

        env.Clock.Advance(TimeSpan.FromTicks(1));
        await Task.WhenAll(second);

        Assert.Equal(2, env.Service.VulnerabilityEvaluations);
        var writes = env.Documents.DocumentWrites(documentId);
        Assert.Equal(2, writes.Count);
        Assert.Equal(firstWrite + Window, writes[1].At);
        Assert.Equal(["CVE-2026-1000", "CVE-2026-2000"], (await env.Store.GetAsync(key))!.Vulnerabilities!.BlockingCves.ToArray());
    }

    [Fact]
    public async Task HandleAsync_BurstChangingNothing_EvaluatedButNotWrittenAgain()
    {
        var env = Create();
        var documentId = ImageDocumentIds.For(ImageKey.Parse(Image));
        var names = Enumerable.Range(0, 5).Select(i => env.Analysis.AddVulnerability("https://" + Image, $"CVE-2026-{1000 + i}", Severity.High, fixAvailable: true)).ToList();
        var first = names.Select((name, i) => env.Service.HandleAsync(Notification(name), $"n{i}")).ToList();
        await env.Clock.AdvanceThroughNextTimerAsync(Window / 10);
        await Task.WhenAll(first);
        env.Clock.Advance(Window * 3);

        var again = names.Select((name, i) => env.Service.HandleAsync(Notification(name), $"again{i}")).ToList();
        await env.Clock.AdvanceThroughNextTimerAsync(Window / 10);
        await Task.WhenAll(again);

        Assert.Equal(2, env.Service.VulnerabilityEvaluations);
        Assert.Single(env.Documents.DocumentWrites(documentId));
    }

    private static ReadOnlyMemory<byte> Notification(string name)
        => Encoding.UTF8.GetBytes($$"""{"name":"{{name}}","kind":"VULNERABILITY","notificationTime":"2026-11-26T10:00:00Z"}""");

    private Environment Create()
    {
        var keyPath = _directory.Write("key.pub", PolicyTestFiles.EcPublicKeyPem);
        var policyPath = _directory.Write("policy.yaml", $$"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: prod
                scope: ["europe-docker.pkg.dev/acme-prod/**"]
                authorities:
                  - name: release
                    key: {path: "{{keyPath}}"}
                tlog: insecure-ignore
                mode: enforce
                vulnerabilities:
                  blockAtOrAbove: HIGH
                  onlyWithFix: true
            """);
        var google = _emulators.CreateSettings();
        var settings = PipelineSettings.FromEnvironment(name => name switch
        {
            "GOOGLE_CLOUD_PROJECT" => google.ProjectId,
            "FIRESTORE_EMULATOR_HOST" => _emulators.Firestore.HostAndPort,
            PipelineSettings.PolicyVariable => policyPath,
            _ => null,
        });
        var clock = new ObservedClock(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var documents = new RecordingDocumentStore(new RestFirestoreDocumentStore(new HttpClient(), google, null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance), clock);
        var store = new FirestoreImageRecordStore(documents, new RecordingPublisher(null), settings.Topics, clock, NullLogger<FirestoreImageRecordStore>.Instance);
        var analysis = new FakeContainerAnalysis();
        var verifier = new FakeImageVerifier((_, _) => throw new InvalidOperationException("vulnerability findings verify no signatures"));
        var push = new PushVerificationService(store, new UnusedRegistry(), verifier, settings, clock, NullLogger<PushVerificationService>.Instance);
        var service = new OccurrenceService(analysis, store, push, new ImageWorkCoalescer(Window, clock), settings, clock, NullLogger<OccurrenceService>.Instance);
        return new Environment(clock, documents, store, analysis, service);
    }

    private sealed record Environment(ObservedClock Clock, RecordingDocumentStore Documents, FirestoreImageRecordStore Store, FakeContainerAnalysis Analysis, OccurrenceService Service);
}
