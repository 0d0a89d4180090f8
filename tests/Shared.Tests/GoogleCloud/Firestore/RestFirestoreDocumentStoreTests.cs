using System.Net;
using System.Text.Json.Nodes;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.Emulators;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.Firestore;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class RestFirestoreDocumentStoreTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public RestFirestoreDocumentStoreTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        var store = Create();

        Assert.Null(await store.GetAsync("things", "absent"));
    }

    [Fact]
    public async Task GetAsync_PermissionDenied_ThrowsInsteadOfNull()
    {
        // Only a 404 reads as "no document"; any other refusal must not look like a new image.
        var handler = new RecordingHandler();
        handler.Inject(HttpStatusCode.Forbidden);
        var store = Create(handler);

        var error = await Assert.ThrowsAsync<GoogleApiException>(() => store.GetAsync("things", "absent"));

        Assert.Equal("PERMISSION_DENIED", error.Status);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task GetAsync_UnavailableThenMissing_RetriedThenNull()
    {
        var handler = new RecordingHandler();
        handler.Inject(HttpStatusCode.ServiceUnavailable);
        var store = Create(handler);

        Assert.Null(await store.GetAsync("things", "absent-after-retry"));
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task GetManyAsync_FoundAndMissingAcrossChunks_FoundByIdInOneRequestPerHundred()
    {
        var handler = new RecordingHandler();
        var store = Create(handler);
        var present = Enumerable.Range(0, 150).Select(i => $"doc-{i}").ToList();
        foreach (var id in present)
        {
            await store.CreateAsync("many", id, new Dictionary<string, FirestoreValue> { ["n"] = FirestoreValue.String(id) });
        }

        var before = handler.Count;
        var found = await store.GetManyAsync("many", [.. present, "absent-1", "absent-2", "doc-0"]);

        Assert.Equal(2, handler.Count - before);
        Assert.Equal(present.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(FirestoreValue.String("doc-7"), found["doc-7"].Field("n"));
        Assert.Empty(await store.GetManyAsync("many", ["absent-3"]));
    }

    [Fact]
    public async Task GetManyAsync_RequestBody_MatchesDiscoverySchema()
    {
        var handler = new RecordingHandler();
        var store = Create(handler);

        await store.GetManyAsync("many-schema", ["a", "b"]);

        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("firestore.v1.json"));
        var body = handler.Requests.Last(r => r.Path.EndsWith(":batchGet", StringComparison.Ordinal)).Body;
        Assert.Empty(checker.Check(JsonNode.Parse(body!), "BatchGetDocumentsRequest", "documents"));
    }

    [Fact]
    public async Task CreateAsync_EveryValueKind_RoundTripsThroughEmulator()
    {
        var store = Create();
        var fields = FirestoreSamples.EveryKind().AsMap();

        var outcome = await store.CreateAsync("things", "all-kinds", fields);
        var document = await store.GetAsync("things", "all-kinds");

        Assert.Equal(FirestoreCreateOutcome.Created, outcome);
        Assert.NotNull(document);
        Assert.Equal(FirestoreValue.Map(fields), FirestoreValue.Map(document.Fields));
        Assert.Equal("all-kinds", document.Id);
    }

    [Fact]
    public async Task CreateAsync_Exists_ReturnsAlreadyExistsAndKeepsOriginal()
    {
        var store = Create();
        await store.CreateAsync("things", "once", One("v", FirestoreValue.String("first")));

        var outcome = await store.CreateAsync("things", "once", One("v", FirestoreValue.String("second")));

        Assert.Equal(FirestoreCreateOutcome.AlreadyExists, outcome);
        Assert.Equal("first", (await store.GetAsync("things", "once"))!.Fields["v"].AsString());
    }

    [Fact]
    public async Task CommitAsync_StaleUpdateTime_FailsWithFailedPrecondition()
    {
        var store = Create();
        await store.CreateAsync("things", "versioned", One("n", FirestoreValue.Integer(1)));
        var original = (await store.GetAsync("things", "versioned"))!;
        await store.CommitAsync([FirestoreWrite.Update("things", "versioned", One("n", FirestoreValue.Integer(2)), expectedUpdateTime: original.UpdateTime)]);

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => store.CommitAsync([FirestoreWrite.Update("things", "versioned", One("n", FirestoreValue.Integer(3)), expectedUpdateTime: original.UpdateTime)]));

        Assert.Equal("FAILED_PRECONDITION", exception.Status);
        Assert.Equal(2, (await store.GetAsync("things", "versioned"))!.Fields["n"].AsInteger());
    }

    [Fact]
    public async Task CommitAsync_UpdateMissingDocument_FailsInsteadOfCreating()
    {
        var store = Create();

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => store.CommitAsync([FirestoreWrite.Update("things", "never", One("n", FirestoreValue.Integer(1)))]));

        Assert.Equal("NOT_FOUND", exception.Status);
        Assert.Null(await store.GetAsync("things", "never"));
    }

    [Fact]
    public async Task CommitAsync_UpdateMaskAndServerTimestamp_KeepsOtherFieldsAndSetsCommitTime()
    {
        var store = Create();
        await store.CreateAsync("things", "masked", new Dictionary<string, FirestoreValue> { ["a"] = FirestoreValue.Integer(1), ["b"] = FirestoreValue.Integer(1) });

        var result = await store.CommitAsync([FirestoreWrite.Update("things", "masked", One("a", FirestoreValue.Integer(2)), serverTimestampFields: ["updated"])]);
        var document = (await store.GetAsync("things", "masked"))!;

        Assert.Equal(2, document.Fields["a"].AsInteger());
        Assert.Equal(1, document.Fields["b"].AsInteger());
        Assert.Equal(FirestoreValueKind.Timestamp, document.Fields["updated"].Kind);
        Assert.Equal(document.UpdateTime, result.UpdateTimes[0]);
    }

    [Fact]
    public async Task RunTransactionAsync_TwoConcurrentIncrements_BothLandThroughRetry()
    {
        var store = Create();
        await store.CreateAsync("counters", "c", One("n", FirestoreValue.Integer(0)));
        var attempts = 0;
        var bothRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = 0;

        async Task<long> IncrementAsync()
        {
            var (value, _) = await store.RunTransactionAsync(async (transaction, ct) =>
            {
                Interlocked.Increment(ref attempts);
                var document = await transaction.GetAsync("counters", "c", ct);
                // Make the first attempts overlap so the emulator sees real contention.
                if (Interlocked.Increment(ref readers) == 2)
                {
                    bothRead.TrySetResult();
                }

                await Task.WhenAny(bothRead.Task, Task.Delay(2000, ct));
                var next = document!.Fields["n"].AsInteger() + 1;
                transaction.Write(FirestoreWrite.Update("counters", "c", One("n", FirestoreValue.Integer(next))));
                return next;
            });
            return value;
        }

        var results = await Task.WhenAll(IncrementAsync(), IncrementAsync());

        Assert.Equal(2, (await store.GetAsync("counters", "c"))!.Fields["n"].AsInteger());
        Assert.Equal([1L, 2L], results.Order());
        Assert.True(attempts >= 3, $"expected a retried attempt, saw {attempts}");
    }

    [Fact]
    public async Task RunTransactionAsync_BodyThrows_RollsBackAndWritesNothing()
    {
        var store = Create();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RunTransactionAsync<int>(async (transaction, ct) =>
        {
            await transaction.GetAsync("things", "rolled", ct);
            transaction.Write(FirestoreWrite.Create("things", "rolled", One("n", FirestoreValue.Integer(1))));
            throw new InvalidOperationException("boom");
        }));

        Assert.Null(await store.GetAsync("things", "rolled"));
        // The lock is released: a new transaction on the same document commits promptly.
        var (_, commit) = await store.RunTransactionAsync(async (transaction, ct) =>
        {
            await transaction.GetAsync("things", "rolled", ct);
            transaction.Write(FirestoreWrite.Create("things", "rolled", One("n", FirestoreValue.Integer(2))));
            return 0;
        });
        Assert.NotNull(commit);
    }

    [Fact]
    public async Task QueryAsync_EqualityFilterWithPaging_ReturnsEveryMatchOnce()
    {
        var store = Create();
        for (var i = 0; i < 7; i++)
        {
            await store.CreateAsync("images", $"doc-{i}", One("status", FirestoreValue.String(i % 3 == 0 ? "VERIFIED" : "QUARANTINED")));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.QueryAsync(new FirestoreQuery("images", pageSize: 2, pageToken: token, equalsField: "status", equalsValue: FirestoreValue.String("QUARANTINED")));
            seen.AddRange(page.Documents.Select(d => d.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(["doc-1", "doc-2", "doc-4", "doc-5"], seen);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task QueryAsync_NoFilter_ListsWholeCollectionInPages()
    {
        var store = Create();
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync("listing", $"d{i}", One("i", FirestoreValue.Integer(i)));
        }

        var first = await store.QueryAsync(new FirestoreQuery("listing", pageSize: 3));
        var second = await store.QueryAsync(new FirestoreQuery("listing", pageSize: 3, pageToken: first.NextPageToken));

        Assert.Equal(["d0", "d1", "d2"], first.Documents.Select(d => d.Id));
        Assert.Equal(["d3", "d4"], second.Documents.Select(d => d.Id));
        Assert.Null(second.NextPageToken);
    }

    [Fact]
    public async Task QueryAsync_TokenFromOtherCollection_IsRejected()
    {
        var store = Create();
        for (var i = 0; i < 3; i++)
        {
            await store.CreateAsync("coll-a", $"d{i}", One("i", FirestoreValue.Integer(i)));
        }

        var page = await store.QueryAsync(new FirestoreQuery("coll-a", pageSize: 1));

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => store.QueryAsync(new FirestoreQuery("coll-b", pageSize: 1, pageToken: page.NextPageToken)));
        Assert.Equal("INVALID_ARGUMENT", exception.Status);
    }

    [Fact]
    public async Task QueryAsync_EqualityAndRangeOrderedByTheRangeField_PagesInFieldOrderAcrossTokens()
    {
        var store = Create();
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        // Names in the opposite order of the times, so name order and field order differ.
        for (var i = 0; i < 8; i++)
        {
            await store.CreateAsync("due", $"d{7 - i}", new Dictionary<string, FirestoreValue>
            {
                ["version"] = FirestoreValue.String(i == 3 ? "old" : "v1"),
                ["at"] = FirestoreValue.Timestamp(start.AddMinutes(i)),
            });
        }

        await store.CreateAsync("due", "tie", new Dictionary<string, FirestoreValue> { ["version"] = FirestoreValue.String("v1"), ["at"] = FirestoreValue.Timestamp(start.AddMinutes(1)) });
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new FirestoreQuery(
                "due",
                2,
                token,
                [new FirestoreFieldFilter("version", FirestoreOperator.Equal, FirestoreValue.String("v1")), new FirestoreFieldFilter("at", FirestoreOperator.LessThanOrEqual, FirestoreValue.Timestamp(start.AddMinutes(5)))],
                ["at"]));
            seen.AddRange(page.Documents.Select(d => d.Id));
            token = page.NextPageToken;
        }
        while (token is not null && seen.Count < 20);

        Assert.Equal(["d7", "d6", "tie", "d5", "d3", "d2"], seen);
    }

    [Fact]
    public async Task QueryAsync_NotEqual_MatchesOtherValuesButNeverAMissingField()
    {
        var store = Create();
        await store.CreateAsync("versions", "current", One("v", FirestoreValue.String("v2")));
        await store.CreateAsync("versions", "older", One("v", FirestoreValue.String("v1")));
        await store.CreateAsync("versions", "none", One("other", FirestoreValue.String("x")));

        var page = await store.QueryAsync(new FirestoreQuery("versions", 10, null, [new FirestoreFieldFilter("v", FirestoreOperator.NotEqual, FirestoreValue.String("v2"))], ["v"]));

        Assert.Equal(["older"], page.Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task QueryAsync_OrderedTokenMangled_IsRejectedAsInvalidArgument()
    {
        var store = Create();
        var query = new FirestoreQuery("mangled", 1, "bm90IGpzb24", [new FirestoreFieldFilter("v", FirestoreOperator.LessThan, FirestoreValue.Integer(3))], ["v"]);

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => store.QueryAsync(query));

        Assert.Equal("INVALID_ARGUMENT", exception.Status);
    }

    [Fact]
    public void FirestoreQuery_InequalityNotOrderedFirst_IsRefused()
    {
        Assert.Throws<FormatException>(() => new FirestoreQuery("c", 1, null, [new FirestoreFieldFilter("a", FirestoreOperator.NotEqual, FirestoreValue.Integer(1))], []));
        Assert.Throws<FormatException>(() => new FirestoreQuery("c", 1, null, [new FirestoreFieldFilter("a", FirestoreOperator.LessThan, FirestoreValue.Integer(1))], ["b", "a"]));
        Assert.Throws<FormatException>(() => new FirestoreQuery(
            "c",
            1,
            null,
            [new FirestoreFieldFilter("a", FirestoreOperator.LessThan, FirestoreValue.Integer(1)), new FirestoreFieldFilter("b", FirestoreOperator.LessThan, FirestoreValue.Integer(1))],
            ["a"]));
    }

    private static Dictionary<string, FirestoreValue> One(string name, FirestoreValue value) => new() { [name] = value };

    [Fact]
    public async Task QueryAsync_FiltersOrderAndCursor_RequestBodyMatchesDiscoverySchema()
    {
        var handler = new RecordingHandler();
        var store = new RestFirestoreDocumentStore(new HttpClient(handler), _emulators.CreateSettings(), null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance);
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            await store.CreateAsync("schema", $"d{i}", new Dictionary<string, FirestoreValue> { ["v"] = FirestoreValue.String("x"), ["at"] = FirestoreValue.Timestamp(at) });
        }

        var filters = new[] { new FirestoreFieldFilter("v", FirestoreOperator.Equal, FirestoreValue.String("x")), new FirestoreFieldFilter("at", FirestoreOperator.LessThanOrEqual, FirestoreValue.Timestamp(at)) };
        var first = await store.QueryAsync(new FirestoreQuery("schema", 1, null, filters, ["at"]));
        await store.QueryAsync(new FirestoreQuery("schema", 1, first.NextPageToken, filters, ["at"]));
        await store.QueryAsync(new FirestoreQuery("schema", 1, null, [new FirestoreFieldFilter("v", FirestoreOperator.NotEqual, FirestoreValue.String("y"))], ["v"]));
        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("firestore.v1.json"));

        var bodies = handler.Requests.Where(r => r.Path.EndsWith(":runQuery", StringComparison.Ordinal)).Select(r => r.Body!).ToList();

        Assert.Equal(3, bodies.Count);
        Assert.All(bodies, body => Assert.Empty(checker.Check(JsonNode.Parse(body), "RunQueryRequest", "structuredQuery")));
        Assert.Contains("\"startAt\"", bodies[1], StringComparison.Ordinal);
        Assert.Contains("NOT_EQUAL", checker.EnumValues("FieldFilter", "op"));
        Assert.NotEmpty(checker.Check(JsonNode.Parse("""{"structuredQuery":{"where":{"fieldFilter":{"op":"NOT_EQUALS"}}}}"""), "RunQueryRequest"));
    }

    private RestFirestoreDocumentStore Create(HttpMessageHandler? handler = null)
        => new(handler is null ? new HttpClient() : new HttpClient(handler), _emulators.CreateSettings(), null, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance);
}
