using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageTrust.Pipeline.Records;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Pipeline.Golden;
using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>
/// Documents as main (ef3e5d6) stored them in Firestore, put back byte for byte into the emulator, are read, published from and
/// updated by today's store. The expected values are written out here, not derived from the code under test.
/// </summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class StoredDocumentCompatibilityTests
{
    private static readonly DateTimeOffset Pushed = DateTimeOffset.Parse("2026-11-26T10:00:00.123456Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset Scanned = DateTimeOffset.Parse("2026-11-26T11:30:00.123456Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly GoogleEmulatorsFixture _emulators;

    public StoredDocumentCompatibilityTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task GetAsync_QuarantinedDocumentStoredByMain_ReadsEveryField()
    {
        using var scenario = await StoreMainDocumentsAsync();

        var record = await scenario.Store.GetAsync(GoldenScenario.Quarantined);

        Assert.NotNull(record);
        Assert.Equal(GoldenScenario.Quarantined, record.Key);
        Assert.Equal(ImageStatus.Quarantined, record.Status);
        Assert.Equal(["VULNERABILITY_BLOCKED"], record.Reasons.ToArray());
        Assert.Equal(
            [
                new VerifiedSigner("https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.4.2", "https://token.actions.githubusercontent.com", null, 123456789),
                new VerifiedSigner("release-2026", null, "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", null),
            ],
            record.Signers.ToArray());
        var vulnerabilities = record.Vulnerabilities!;
        Assert.Equal((1, 2, 0, 3, 4), (vulnerabilities.Critical, vulnerabilities.High, vulnerabilities.Medium, vulnerabilities.Low, vulnerabilities.Minimal));
        Assert.Equal(["CVE-2026-0001", "CVE-2026-0002"], vulnerabilities.BlockingCves.ToArray());
        Assert.Equal(Scanned, vulnerabilities.EvaluatedAt);
        Assert.Equal("FINISHED_SUCCESS", record.ScanStatus);
        Assert.Equal("prod", record.PolicyRule);
        Assert.Equal(GoldenScenario.PolicyVersion, record.PolicyVersion);
        Assert.Equal(Pushed, record.FirstSeen);
        Assert.Equal(Pushed, record.LastVerified);
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T13:22:58.642Z", System.Globalization.CultureInfo.InvariantCulture), record.Updated);
        Assert.Equal(2, record.History.Length);
        AssertTransition(record.History[0], null, ImageStatus.Verified, Pushed, "push-1", []);
        AssertTransition(record.History[1], ImageStatus.Verified, ImageStatus.Quarantined, Scanned, "occ-1", ["VULNERABILITY_BLOCKED"]);
        Assert.Equal(["push-1", "occ-1"], record.ProcessedMessageIds.ToArray());
        Assert.Equal(2, record.PendingEvents);
    }

    [Fact]
    public async Task GetAsync_UnmanagedDocumentStoredByMain_ReadsEmptyOptionalFields()
    {
        using var scenario = await StoreMainDocumentsAsync();

        var record = await scenario.Store.GetAsync(GoldenScenario.Unmanaged);

        Assert.NotNull(record);
        Assert.Equal(ImageStatus.Unmanaged, record.Status);
        Assert.Equal(["NO_MATCHING_RULE"], record.Reasons.ToArray());
        Assert.Empty(record.Signers.ToArray());
        Assert.Null(record.Vulnerabilities);
        Assert.Null(record.ScanStatus);
        Assert.Null(record.PolicyRule);
        Assert.Equal(GoldenScenario.PolicyVersion, record.PolicyVersion);
        Assert.Null(record.LastVerified);
        Assert.Equal(DateTimeOffset.Parse("2026-11-26T11:30:10.123456Z", System.Globalization.CultureInfo.InvariantCulture), record.FirstSeen);
        var transition = Assert.Single(record.History);
        AssertTransition(transition, null, ImageStatus.Unmanaged, record.FirstSeen, "push-u", ["NO_MATCHING_RULE"]);
        Assert.Equal(["push-u"], record.ProcessedMessageIds.ToArray());
        Assert.Equal(0, record.PendingEvents);
    }

    [Fact]
    public async Task ApplyAsync_RedeliveryOnDocumentStoredByMain_PublishesItsPendingEventsAsStoredAndClearsThem()
    {
        using var scenario = await StoreMainDocumentsAsync();
        var pending = StoredOutbox();

        var result = await scenario.PublishPendingAsync();

        Assert.Equal(ApplyOutcome.Duplicate, result.Outcome);
        Assert.Equal(2, result.PublishedEvents);
        var published = scenario.Publisher.Published.ToList();
        Assert.Equal(pending.Select(e => (e.Topic, e.Payload, e.Attributes)), published.Select(p => (p.Topic, Encoding.UTF8.GetString(p.Message.Data.Span), Render(p.Message.Attributes))));
        Assert.All(published, p => Assert.Equal(GoldenScenario.Quarantined.Digest.ToString(), p.Message.OrderingKey));
        using var documents = new StoredDocuments(scenario.Settings);
        var after = JsonNode.Parse(await documents.GetAsync(GoldenScenario.Collection, GoldenScenario.QuarantinedDocument))!["fields"]!.AsObject();
        Assert.Null(after["outbox"]!["arrayValue"]!["values"]);
        var before = JsonNode.Parse(GoldenFiles.Read(GoldenScenario.StoredQuarantined))!["fields"]!.AsObject();
        foreach (var field in before.Select(f => f.Key).Where(name => name is not "outbox" and not "updated"))
        {
            Assert.True(JsonNode.DeepEquals(before[field], after[field]), $"field {field} changed when only the outbox was to be cleared");
        }
    }

    [Fact]
    public async Task ApplyAsync_NewChangeOnDocumentStoredByMain_KeepsItsHistoryAndPublishesWhatWasPending()
    {
        using var scenario = await StoreMainDocumentsAsync();
        scenario.Clock.SetUtcNow(Scanned.AddDays(1));

        var result = await scenario.Store.ApplyAsync(GoldenScenario.Quarantined, "push-2", _ => RecordChange.To(ImageStatus.Verified) with { Verified = true, Events = [ImageEvent.Verified("verified (was QUARANTINED)")] });

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(3, result.PublishedEvents);
        var record = (await scenario.Store.GetAsync(GoldenScenario.Quarantined))!;
        Assert.Equal(ImageStatus.Verified, record.Status);
        Assert.Equal(["push-1", "occ-1", "push-2"], record.History.Select(t => t.MessageId));
        Assert.Equal(["push-1", "occ-1", "push-2"], record.ProcessedMessageIds.ToArray());
        Assert.Equal(2, record.Signers.Length);
        Assert.Equal(Pushed, record.FirstSeen);
        Assert.Equal(Scanned.AddDays(1), record.LastVerified);
        Assert.Equal(0, record.PendingEvents);
        Assert.Equal([GoldenScenario.AlertsTopic, GoldenScenario.QuarantineTopic, GoldenScenario.VerifiedTopic], scenario.Publisher.Published.Select(p => p.Topic).Order(StringComparer.Ordinal));
    }

    private static void AssertTransition(StatusTransition transition, ImageStatus? from, ImageStatus to, DateTimeOffset at, string messageId, string[] reasons)
    {
        Assert.Equal(from, transition.From);
        Assert.Equal(to, transition.To);
        Assert.Equal(at, transition.At);
        Assert.Equal(messageId, transition.MessageId);
        Assert.Equal(reasons, transition.Reasons.ToArray());
    }

    // The outbox as main stored it, read from the captured JSON itself.
    private static List<(string Topic, string Payload, string Attributes)> StoredOutbox()
    {
        using var stored = JsonDocument.Parse(GoldenFiles.Read(GoldenScenario.StoredQuarantined));
        return [.. stored.RootElement.GetProperty("fields").GetProperty("outbox").GetProperty("arrayValue").GetProperty("values").EnumerateArray().Select(entry =>
        {
            var fields = entry.GetProperty("mapValue").GetProperty("fields");
            var attributes = fields.GetProperty("attributes").GetProperty("mapValue").GetProperty("fields").EnumerateObject()
                .ToDictionary(a => a.Name, a => a.Value.GetProperty("stringValue").GetString()!);
            return (fields.GetProperty("topic").GetProperty("stringValue").GetString()!, fields.GetProperty("payload").GetProperty("stringValue").GetString()!, Render(attributes));
        })];
    }

    private static string Render(IEnumerable<KeyValuePair<string, string>> attributes)
        => string.Join(';', attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));

    private async Task<GoldenScenario> StoreMainDocumentsAsync()
    {
        var scenario = GoldenScenario.Create(_emulators.CreateSettings());
        await scenario.CreateTopicsAsync();
        using var documents = new StoredDocuments(scenario.Settings);
        await documents.PutAsync(GoldenScenario.Collection, GoldenScenario.QuarantinedDocument, GoldenFiles.Read(GoldenScenario.StoredQuarantined));
        await documents.PutAsync(GoldenScenario.Collection, GoldenScenario.UnmanagedDocument, GoldenFiles.Read(GoldenScenario.StoredUnmanaged));
        return scenario;
    }
}
