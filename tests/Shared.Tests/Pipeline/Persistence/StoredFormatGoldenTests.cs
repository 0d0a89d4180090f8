using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Pipeline.Golden;
using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>The Firestore document the record store writes is pinned: a renamed field or value breaks documents already stored.</summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class StoredFormatGoldenTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public StoredFormatGoldenTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task Commit_QuarantinedWithPendingOutbox_WritesTheGoldenDocument()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);

        var write = scenario.Documents.LastDocumentWrite(GoldenScenario.QuarantinedDocument);

        GoldenFiles.AssertMatches("firestore-write-quarantined-claims.json", GoldenRendering.Write(WithHoldersMasked(write)));
        GoldenFiles.AssertMatches("firestore-write-quarantined-due.json", GoldenRendering.Write(WithoutOutboxClaims(write)));
        GoldenFiles.AssertMatches("firestore-write-quarantined.json", GoldenRendering.Write(WithoutIssue15Fields(WithoutOutboxClaims(write))));
    }

    [Fact]
    public async Task Commit_FirstRecordWithNothingOptional_WritesTheGoldenDocument()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);

        var write = scenario.Documents.LastDocumentWrite(GoldenScenario.UnmanagedDocument);

        GoldenFiles.AssertMatches("firestore-write-unmanaged-claims.json", GoldenRendering.Write(WithHoldersMasked(write)));
        GoldenFiles.AssertMatches("firestore-write-unmanaged-due.json", GoldenRendering.Write(WithoutOutboxClaims(write)));
        GoldenFiles.AssertMatches("firestore-write-unmanaged.json", GoldenRendering.Write(WithoutIssue15Fields(WithoutOutboxClaims(write))));
    }

    // A claim's holder is random per delivery: pinned as its shape (16 lower-case hex digits), not its value.
    private static FirestoreWrite WithHoldersMasked(FirestoreWrite write)
    {
        var fields = write.Fields.Select(f => f.Key == ImageRecordDocument.OutboxField
            ? KeyValuePair.Create(f.Key, FirestoreValue.Array(f.Value.AsArray().Select(e => FirestoreValue.Map(e.AsMap().Select(p =>
            {
                if (p.Key != "claimedBy")
                {
                    return p;
                }

                Assert.Matches("^[0-9a-f]{16}$", p.Value.AsString());
                return KeyValuePair.Create(p.Key, FirestoreValue.String("<16 hex digits>"));
            })))))
            : f);
        return FirestoreWrite.Create(write.Collection, write.DocumentId, fields, write.ServerTimestampFields);
    }

    // The outbox claims (each entry's claimedBy and claimedUntil, only while claimed) and outboxDueAt were added beside the pinned fields:
    // without them, the document is still exactly the golden written before.
    private static FirestoreWrite WithoutOutboxClaims(FirestoreWrite write)
    {
        Assert.Contains(ImageRecordDocument.OutboxDueAtField, write.Fields.Keys);
        var fields = write.Fields
            .Where(f => f.Key != ImageRecordDocument.OutboxDueAtField)
            .Select(f => f.Key == ImageRecordDocument.OutboxField
                ? KeyValuePair.Create(f.Key, FirestoreValue.Array(f.Value.AsArray().Select(e => FirestoreValue.Map(e.AsMap().Where(p => p.Key is not ("claimedBy" or "claimedUntil"))))))
                : f);
        return FirestoreWrite.Create(write.Collection, write.DocumentId, fields, write.ServerTimestampFields);
    }

    [Fact]
    public async Task Commit_PendingManifest_WritesTheGoldenDocument()
    {
        using var scenario = GoldenScenario.Create(_emulators.CreateSettings());
        await scenario.CreateTopicsAsync();

        await scenario.ReplayPendingManifestAsync();

        var writes = scenario.Documents.DocumentWrites(GoldenScenario.PendingManifestDocument);
        Assert.Equal(2, writes.Count);
        GoldenFiles.AssertMatches("firestore-write-pending-manifest.json", GoldenRendering.Write(writes[0].Write));
    }

    // The sweep's fields and the source project (on the record, and in each pending event's attributes and payload) were added
    // beside the pinned ones: without them, the document is still exactly the original golden.
    private static FirestoreWrite WithoutIssue15Fields(FirestoreWrite write)
    {
        Assert.Contains(ImageRecordDocument.DueAtField, write.Fields.Keys);
        return FirestoreWrite.Create(
            write.Collection,
            write.DocumentId,
            write.Fields
                .Where(f => f.Key is not (ImageRecordDocument.DueAtField or ImageRecordDocument.DuePolicyVersionField or ImageRecordDocument.SourceProjectField))
                .Select(f => f.Key == ImageRecordDocument.OutboxField ? KeyValuePair.Create(f.Key, FirestoreValue.Array(f.Value.AsArray().Select(WithoutSourceProject))) : f),
            write.ServerTimestampFields);
    }

    private static FirestoreValue WithoutSourceProject(FirestoreValue entry) => FirestoreValue.Map(entry.AsMap().Select(field => field.Key switch
    {
        "payload" => KeyValuePair.Create(field.Key, FirestoreValue.String(GoldenRendering.WithoutSourceProject(field.Value.AsString()))),
        "attributes" => KeyValuePair.Create(field.Key, FirestoreValue.Map(field.Value.AsMap().Where(a => a.Key != "sourceProject"))),
        _ => field,
    }));
}
