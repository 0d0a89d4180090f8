using ImageTrust.Policy;
using ImageTrust.Pipeline.Decisions;
using System.Collections.Immutable;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Shared.Tests.Pipeline.Persistence;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Pipeline.Golden;

/// <summary>
/// The history the golden files were written from, replayed through the record store on the emulators with a fake clock:
/// <list type="bullet">
/// <item><see cref="Quarantined"/>: verified by push <c>push-1</c> (two signers, a verified event), then quarantined an hour and a
/// half later by <c>occ-1</c> for two blocking CVEs while Pub/Sub was down, so its quarantine event and vulnerability alert stay in
/// the outbox until <see cref="PublishPendingAsync"/>;</item>
/// <item><see cref="Warned"/>: warned on its first push (an alert);</item>
/// <item><see cref="Unmanaged"/>: recorded as unmanaged (no rule), every optional field empty.</item>
/// </list>
/// </summary>
internal sealed class GoldenScenario : IDisposable
{
    public const string Collection = "images";
    public const string QuarantineTopic = "imagetrust-quarantine";
    public const string AlertsTopic = "imagetrust-alerts";
    public const string VerifiedTopic = "imagetrust-verified";
    /// <summary>The documents main (ef3e5d6) stored for <see cref="Quarantined"/> and <see cref="Unmanaged"/>, as the emulator returned them.</summary>
    public const string StoredQuarantined = "stored-main-ef3e5d6-quarantined.json";

    /// <summary>See <see cref="StoredQuarantined"/>.</summary>
    public const string StoredUnmanaged = "stored-main-ef3e5d6-unmanaged.json";

    public const string PolicyVersion = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
    public static readonly ImageKey Quarantined = ImageKey.Parse("europe-docker.pkg.dev/acme-prod/apps/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
    public static readonly ImageKey Warned = ImageKey.Parse("us-docker.pkg.dev/acme-dev/tools/cli@sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9");
    public static readonly ImageKey Unmanaged = ImageKey.Parse("ghcr.io/acme/scratch@sha256:baa5a0964d3320fbc0c6a922140453c8513ea24ab8fd0577034804a967248096");

    /// <summary>An image whose pushed manifest the registry never served (<see cref="ReplayPendingManifestAsync"/>).</summary>
    public static readonly ImageKey PendingManifest = ImageKey.Parse("europe-docker.pkg.dev/acme-prod/apps/api@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    // The document ids as production stores them (written out, not computed, so a change to the id mapping shows).
    public const string QuarantinedDocument = "europe-docker.pkg.dev~acme-prod~apps~web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    public const string WarnedDocument = "us-docker.pkg.dev~acme-dev~tools~cli@sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";
    public const string UnmanagedDocument = "ghcr.io~acme~scratch@sha256:baa5a0964d3320fbc0c6a922140453c8513ea24ab8fd0577034804a967248096";
    public const string PendingManifestDocument = "europe-docker.pkg.dev~acme-prod~apps~api@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly HttpClient _http;

    private GoldenScenario(HttpClient http, GoogleCloudSettings settings, FakeTimeProvider clock, RecordingDocumentStore documents, RecordingPublisher publisher, PubSubAdmin admin, FirestoreImageRecordStore store)
    {
        _http = http;
        Settings = settings;
        Clock = clock;
        Documents = documents;
        Publisher = publisher;
        Admin = admin;
        Store = store;
    }

    public GoogleCloudSettings Settings { get; }

    public FakeTimeProvider Clock { get; }

    public RecordingDocumentStore Documents { get; }

    public RecordingPublisher Publisher { get; }

    public PubSubAdmin Admin { get; }

    public FirestoreImageRecordStore Store { get; }

    /// <summary>Creates the topics in a fresh emulator project and replays the history (the outbox of <see cref="Quarantined"/> stays pending).</summary>
    public static async Task<GoldenScenario> RunAsync(GoogleEmulatorsFixture emulators)
    {
        var scenario = Create(emulators.CreateSettings());
        await scenario.CreateTopicsAsync();
        await scenario.ReplayAsync();
        return scenario;
    }

    /// <summary>A store in <paramref name="settings"/>' project with the scenario's clock, recorders and topics, nothing written.</summary>
    public static GoldenScenario Create(GoogleCloudSettings settings)
    {
        var http = new HttpClient();
        var clock = new FakeTimeProvider(Start);
        var documents = new RecordingDocumentStore(new RestFirestoreDocumentStore(http, settings, null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance), clock);
        var publisher = new RecordingPublisher(new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance));
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        var topics = ImageEventTopics.Create(QuarantineTopic, AlertsTopic, VerifiedTopic);
        var schedule = new ReverificationSchedule(new TrustPolicy([], PolicyVersion), TimeSpan.FromHours(24));
        var store = new FirestoreImageRecordStore(documents, publisher, topics, clock, NullLogger<FirestoreImageRecordStore>.Instance, Collection, schedule: schedule);
        return new GoldenScenario(http, settings, clock, documents, publisher, admin, store);
    }

    public async Task CreateTopicsAsync()
    {
        foreach (var topic in new[] { QuarantineTopic, AlertsTopic, VerifiedTopic })
        {
            await Admin.CreateTopicAsync(topic);
            await Admin.CreateSubscriptionAsync(topic + "-team", topic);
        }
    }

    /// <summary>
    /// Records <see cref="PendingManifest"/> as the push handler does when the registry answers 404 for its manifest
    /// (<c>push-m</c>), then the sweep's check at the give-up time, 24 h later (<c>work-m</c>), which raises the alert.
    /// </summary>
    public async Task ReplayPendingManifestAsync()
    {
        var maxAge = TimeSpan.FromHours(24);
        var rule = new PolicyRule(
            "prod",
            [RepositoryGlob.Parse("europe-docker.pkg.dev/acme-prod/**")],
            [new KeyAuthority("release-2026", "pem", null, null)],
            1,
            RequireTlog: true,
            RequireSct: true,
            EnforcementMode.Enforce,
            SignatureGracePeriod: TimeSpan.FromMinutes(10),
            MultiArchRequirement.Index,
            SignatureFormats.Any,
            [],
            null);
        await Store.ApplyAsync(PendingManifest, "push-m", current => ImageChanges.ManifestNotFound(current, rule, PolicyVersion, Clock.GetUtcNow(), maxAge));
        Clock.Advance(maxAge);
        await Store.ApplyAsync(PendingManifest, "work-m", current => ImageChanges.ManifestNotFound(current, rule, PolicyVersion, Clock.GetUtcNow(), maxAge));
    }

    /// <summary>Publishes what the outbox of <see cref="Quarantined"/> holds (a redelivery of <c>occ-1</c>).</summary>
    public Task<ApplyResult> PublishPendingAsync()
        => Store.ApplyAsync(Quarantined, "occ-1", _ => throw new InvalidOperationException("occ-1 was processed; it must not be decided again"));

    /// <summary>The messages published to <paramref name="topic"/>, in order.</summary>
    public IReadOnlyList<PubSubMessage> PublishedTo(string topic) => [.. Publisher.Published.Where(p => p.Topic == topic).Select(p => p.Message)];

    public void Dispose() => _http.Dispose();

    private async Task ReplayAsync()
    {
        await Store.ApplyAsync(Quarantined, "push-1", _ => new RecordChange
        {
            Status = ImageStatus.Verified,
            Reasons = [],
            Signers =
            [
                new VerifiedSigner("https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.4.2", "https://token.actions.githubusercontent.com", null, 123456789),
                new VerifiedSigner("release-2026", null, "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", null),
            ],
            PolicyRule = "prod",
            PolicyVersion = PolicyVersion,
            Verified = true,
            Events = [ImageEvent.Verified("verified")],
        });

        Clock.Advance(TimeSpan.FromMinutes(90));
        Publisher.Down = true;
        await Assert.ThrowsAsync<TransientFailureException>(() => Store.ApplyAsync(Quarantined, "occ-1", _ => new RecordChange
        {
            Status = ImageStatus.Quarantined,
            Reasons = ["VULNERABILITY_BLOCKED"],
            Vulnerabilities = new VulnerabilityFindings(1, 2, 0, 3, 4, ["CVE-2026-0001", "CVE-2026-0002"], Clock.GetUtcNow()),
            ScanStatus = "FINISHED_SUCCESS",
            Events =
            [
                ImageEvent.Quarantined(ImageEventSeverities.Critical, "quarantined: VULNERABILITY_BLOCKED; blocking: CVE-2026-0001, CVE-2026-0002"),
                ImageEvent.Alert(ImageEventSeverities.High, "new blocking vulnerabilities; blocking: CVE-2026-0001, CVE-2026-0002"),
            ],
        }));
        Publisher.Down = false;

        Clock.Advance(TimeSpan.FromSeconds(5));
        await Store.ApplyAsync(Warned, "push-w", _ => RecordChange.To(ImageStatus.Warned, "SIGNATURE_INVALID") with
        {
            Signers = ImmutableArray<VerifiedSigner>.Empty,
            PolicyRule = "dev",
            PolicyVersion = PolicyVersion,
            Verified = true,
            Events = [ImageEvent.Alert(ImageEventSeverities.Medium, "policy violated (warn mode): SIGNATURE_INVALID")],
        });

        Clock.Advance(TimeSpan.FromSeconds(5));
        await Store.ApplyAsync(Unmanaged, "push-u", _ => RecordChange.To(ImageStatus.Unmanaged, "NO_MATCHING_RULE") with { PolicyVersion = PolicyVersion });
    }
}
