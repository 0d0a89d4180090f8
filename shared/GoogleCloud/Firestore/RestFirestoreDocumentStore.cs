using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>
/// <see cref="FirestoreDocumentStore"/> over the Firestore REST API (or the emulator). Reads are retried on transient errors;
/// commits are not retried on their own (a transaction re-runs as a whole instead).
/// </summary>
internal sealed class RestFirestoreDocumentStore : FirestoreDocumentStore
{
    /// <summary>The largest document Firestore stores.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    // A document's JSON encoding is larger than its stored size; allow generous slack for the REST envelope.
    private const int MaxDocumentResponseBytes = (3 * MaxDocumentBytes) + (64 * 1024);
    private const int MaxQueryResponseBytes = 64 * 1024 * 1024;
    private const int SmallResponseBytes = 256 * 1024;

    private readonly GoogleRestChannel _channel;
    private readonly string _root;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RetryPolicy _transactionRetry;

    /// <summary>Creates the store.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="settings">The validated settings (project, database, endpoint).</param>
    /// <param name="tokens">Access tokens; may be null when Firestore is the emulator.</param>
    /// <param name="timeProvider">The clock for retries.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="retry">Retry rules of single idempotent calls, or null for <see cref="RetryPolicy.Default"/>.</param>
    /// <param name="transactionRetry">Retries of whole transactions on contention, or null for <see cref="RetryPolicy.Contention"/>.</param>
    public RestFirestoreDocumentStore(HttpClient httpClient, GoogleCloudSettings settings, AccessTokenSource? tokens, TimeProvider timeProvider, ILogger<RestFirestoreDocumentStore> logger, RetryPolicy? retry = null, RetryPolicy? transactionRetry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _channel = new GoogleRestChannel(httpClient, settings.Firestore, tokens, retry ?? RetryPolicy.Default, timeProvider, logger);
        _root = settings.FirestoreDocumentsRoot;
        _timeProvider = timeProvider;
        _logger = logger;
        _transactionRetry = transactionRetry ?? RetryPolicy.Contention;
    }

    /// <inheritdoc />
    public override async Task<FirestoreDocument?> GetAsync(string collection, string documentId, CancellationToken cancellationToken = default)
    {
        var name = DocumentName(collection, documentId);
        using var response = await _channel.SendOrNotFoundAsync(HttpMethod.Get, "v1/" + name, MaxDocumentResponseBytes, cancellationToken).ConfigureAwait(false);
        return response is null ? null : ParseDocument(response.RootElement);
    }

    /// <inheritdoc />
    public override async Task<FirestoreCreateOutcome> CreateAsync(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, CancellationToken cancellationToken = default)
    {
        try
        {
            await CommitAsync([FirestoreWrite.Create(collection, documentId, fields)], cancellationToken).ConfigureAwait(false);
            return FirestoreCreateOutcome.Created;
        }
        catch (GoogleApiException exception) when (exception.Status == "ALREADY_EXISTS" || exception.HttpStatus == HttpStatusCode.Conflict && exception.Status != "ABORTED")
        {
            return FirestoreCreateOutcome.AlreadyExists;
        }
    }

    /// <inheritdoc />
    public override Task<FirestoreCommitResult> CommitAsync(IReadOnlyList<FirestoreWrite> writes, CancellationToken cancellationToken = default)
        => CommitCoreAsync(writes, null, cancellationToken);

    /// <inheritdoc />
    public override async Task<(T Result, FirestoreCommitResult? Commit)> RunTransactionAsync<T>(Func<FirestoreTransaction, CancellationToken, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var started = _timeProvider.GetTimestamp();
        string? previous = null;
        for (var attempt = 1; ; attempt++)
        {
            var transaction = new RestFirestoreTransaction(this, await BeginTransactionAsync(previous, cancellationToken).ConfigureAwait(false));
            previous = transaction.TransactionId;
            Exception failure;
            try
            {
                T result;
                try
                {
                    result = await body(transaction, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await RollbackQuietlyAsync(transaction.TransactionId).ConfigureAwait(false);
                    throw;
                }

                if (transaction.Writes.Count == 0)
                {
                    await RollbackQuietlyAsync(transaction.TransactionId).ConfigureAwait(false);
                    return (result, null);
                }

                var commit = await CommitCoreAsync(transaction.Writes, transaction.TransactionId, cancellationToken).ConfigureAwait(false);
                return (result, commit);
            }
            catch (GoogleApiException exception) when (IsTransactionRetryable(exception))
            {
                // Contention while reading or committing: the transaction is dead, so the whole body runs again.
                failure = exception;
            }
            catch (TransientFailureException exception) when (!cancellationToken.IsCancellationRequested)
            {
                failure = exception;
            }

            var delay = _transactionRetry.BackoffAfter(attempt);
            var elapsed = _timeProvider.GetElapsedTime(started);
            if (attempt >= _transactionRetry.MaxAttempts || elapsed + delay > _transactionRetry.TotalTimeout)
            {
                throw new TransientFailureException($"Firestore transaction did not commit after {attempt} attempt(s): {failure.Message}", failure);
            }

            _logger.LogInformation("Firestore transaction attempt {Attempt} failed ({Error}); retrying in {DelayMs} ms", attempt, failure.Message, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<FirestorePage> QueryAsync(FirestoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        PageCursor? after = null;
        if (query.PageToken is not null)
        {
            after = DecodePageToken(query.PageToken, query.OrderBy.Length);
            if (!after.Value.Name.StartsWith(_root + "/" + query.Collection + "/", StringComparison.Ordinal))
            {
                throw new GoogleApiException(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "page token does not belong to this collection");
            }
        }

        // One more than asked tells whether another page exists without a second round trip.
        var limit = query.PageSize + 1;
        using var response = await _channel.SendAsync(
            HttpMethod.Post,
            $"v1/{_root}:runQuery",
            writer => WriteStructuredQuery(writer, query, after, limit),
            Math.Min(MaxQueryResponseBytes, ((long)limit * MaxDocumentResponseBytes) + SmallResponseBytes),
            idempotent: true,
            cancellationToken).ConfigureAwait(false);

        var documents = ImmutableArray.CreateBuilder<FirestoreDocument>();
        if (response.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in response.RootElement.EnumerateArray())
            {
                if (item.TryGetProperty("error", out _))
                {
                    throw new GoogleApiException(HttpStatusCode.OK, "UNKNOWN", "runQuery returned an error in its result stream");
                }

                if (item.TryGetProperty("document", out var document))
                {
                    documents.Add(ParseDocument(document));
                }
            }
        }

        string? next = null;
        if (documents.Count > query.PageSize)
        {
            documents.RemoveAt(documents.Count - 1);
            var last = documents[^1];
            next = EncodePageToken(new PageCursor(last.Name, [.. query.OrderBy.Select(field => last.Field(field) ?? FirestoreValue.Null)]));
        }

        return new FirestorePage(documents.ToImmutable(), next);
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyDictionary<string, FirestoreDocument>> GetManyAsync(string collection, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        var found = new Dictionary<string, FirestoreDocument>(StringComparer.Ordinal);
        foreach (var chunk in documentIds.Distinct(StringComparer.Ordinal).Chunk(MaxDocumentsPerRead))
        {
            foreach (var document in await BatchGetAsync(collection, chunk, null, cancellationToken).ConfigureAwait(false))
            {
                found[document.Id] = document;
            }
        }

        return found;
    }

    /// <summary>Reads one document through <c>documents:batchGet</c>, optionally inside a transaction.</summary>
    internal async Task<FirestoreDocument?> BatchGetOneAsync(string collection, string documentId, string? transactionId, CancellationToken cancellationToken)
        => (await BatchGetAsync(collection, [documentId], transactionId, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    // The documents found among documentIds (each answered as found or missing); the emulator never answers
    // GET …?transaction=, while batchGet with a transaction works on both it and production.
    private async Task<List<FirestoreDocument>> BatchGetAsync(string collection, IReadOnlyCollection<string> documentIds, string? transactionId, CancellationToken cancellationToken)
    {
        var names = documentIds.Select(id => DocumentName(collection, id)).ToList();
        using var response = await _channel.SendAsync(
            HttpMethod.Post,
            $"v1/{_root}:batchGet",
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("documents");
                foreach (var name in names)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
                if (transactionId is not null)
                {
                    writer.WriteString("transaction", transactionId);
                }

                writer.WriteEndObject();
            },
            Math.Min(MaxQueryResponseBytes, ((long)names.Count * MaxDocumentResponseBytes) + SmallResponseBytes),
            idempotent: transactionId is null,
            cancellationToken).ConfigureAwait(false);
        if (response.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new GoogleApiException(HttpStatusCode.OK, null, "batchGet did not return an array");
        }

        var found = new List<FirestoreDocument>(names.Count);
        var answered = 0;
        foreach (var item in response.RootElement.EnumerateArray())
        {
            if (item.TryGetProperty("found", out var document))
            {
                found.Add(ParseDocument(document));
                answered++;
            }
            else if (item.TryGetProperty("missing", out _))
            {
                answered++;
            }
        }

        return answered == names.Count ? found : throw new GoogleApiException(HttpStatusCode.OK, null, $"batchGet answered {answered} of {names.Count} document(s)");
    }

    private static bool IsTransactionRetryable(GoogleApiException exception)
        => exception.Status is "ABORTED" or "FAILED_PRECONDITION" or "ALREADY_EXISTS" || GoogleRestChannel.IsRetryable(exception.HttpStatus, exception.Status);

    private async Task<string> BeginTransactionAsync(string? retryOf, CancellationToken cancellationToken)
    {
        using var response = await _channel.SendAsync(
            HttpMethod.Post,
            $"v1/{_root}:beginTransaction",
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartObject("options");
                writer.WriteStartObject("readWrite");
                if (retryOf is not null)
                {
                    writer.WriteString("retryTransaction", retryOf);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            },
            SmallResponseBytes,
            idempotent: true,
            cancellationToken).ConfigureAwait(false);
        return response.RootElement.TryGetProperty("transaction", out var id) && id.GetString() is { Length: > 0 } text
            ? text
            : throw new GoogleApiException(HttpStatusCode.OK, null, "beginTransaction returned no transaction id");
    }

    private async Task RollbackQuietlyAsync(string transactionId)
    {
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
            using var _ = await _channel.SendAsync(
                HttpMethod.Post,
                $"v1/{_root}:rollback",
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("transaction", transactionId);
                    writer.WriteEndObject();
                },
                SmallResponseBytes,
                idempotent: false,
                cancel.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GoogleApiException or TransientFailureException or OperationCanceledException)
        {
            // The server expires abandoned transactions; a failed rollback only delays that.
            _logger.LogDebug("Firestore rollback failed: {Error}", exception.Message);
        }
    }

    private async Task<FirestoreCommitResult> CommitCoreAsync(IReadOnlyList<FirestoreWrite> writes, string? transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            throw new ArgumentException("a commit needs at least one write", nameof(writes));
        }

        using var response = await _channel.SendAsync(
            HttpMethod.Post,
            $"v1/{_root}:commit",
            writer => WriteCommit(writer, writes, transactionId),
            SmallResponseBytes + (writes.Count * 4096L),
            idempotent: false,
            cancellationToken).ConfigureAwait(false);
        var root = response.RootElement;
        var commitTime = root.TryGetProperty("commitTime", out var ct) && ct.ValueKind == JsonValueKind.String ? FirestoreValueCodec.ParseTimestamp(ct.GetString()!) : _timeProvider.GetUtcNow();
        var times = ImmutableArray.CreateBuilder<DateTimeOffset?>();
        if (root.TryGetProperty("writeResults", out var results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (var result in results.EnumerateArray())
            {
                times.Add(result.TryGetProperty("updateTime", out var u) && u.ValueKind == JsonValueKind.String ? FirestoreValueCodec.ParseTimestamp(u.GetString()!) : null);
            }
        }

        return new FirestoreCommitResult(commitTime, times.ToImmutable());
    }

    private void WriteCommit(Utf8JsonWriter writer, IReadOnlyList<FirestoreWrite> writes, string? transactionId)
    {
        writer.WriteStartObject();
        if (transactionId is not null)
        {
            writer.WriteString("transaction", transactionId);
        }

        writer.WriteStartArray("writes");
        foreach (var write in writes)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("update");
            writer.WriteString("name", DocumentName(write.Collection, write.DocumentId));
            FirestoreValueCodec.WriteFields(writer, write.Fields);
            writer.WriteEndObject();
            if (write.UpdateMask is { } mask)
            {
                writer.WriteStartObject("updateMask");
                writer.WriteStartArray("fieldPaths");
                foreach (var path in mask)
                {
                    writer.WriteStringValue(path);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (!write.ServerTimestampFields.IsEmpty)
            {
                writer.WriteStartArray("updateTransforms");
                foreach (var field in write.ServerTimestampFields)
                {
                    writer.WriteStartObject();
                    writer.WriteString("fieldPath", field);
                    writer.WriteString("setToServerValue", "REQUEST_TIME");
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (write.MustExist is not null || write.ExpectedUpdateTime is not null)
            {
                writer.WriteStartObject("currentDocument");
                if (write.ExpectedUpdateTime is { } updateTime)
                {
                    writer.WriteString("updateTime", FirestoreValueCodec.FormatTimestamp(updateTime));
                }
                else
                {
                    writer.WriteBoolean("exists", write.MustExist!.Value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private string DocumentName(string collection, string documentId)
        => $"{_root}/{FirestoreDocumentIds.Validate(collection, "collection")}/{FirestoreDocumentIds.Validate(documentId)}";

    private static FirestoreDocument ParseDocument(JsonElement element)
    {
        try
        {
            return FirestoreValueCodec.ReadDocument(element);
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or OverflowException)
        {
            throw new GoogleApiException(HttpStatusCode.OK, null, $"Firestore returned a document this adapter cannot read: {exception.Message}", exception);
        }
    }

    private static void WriteStructuredQuery(Utf8JsonWriter writer, FirestoreQuery query, PageCursor? after, int limit)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("structuredQuery");
        writer.WriteStartArray("from");
        writer.WriteStartObject();
        writer.WriteString("collectionId", query.Collection);
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (!query.Filters.IsEmpty)
        {
            writer.WriteStartObject("where");
            if (query.Filters.Length == 1)
            {
                WriteFieldFilter(writer, query.Filters[0]);
            }
            else
            {
                writer.WriteStartObject("compositeFilter");
                writer.WriteString("op", "AND");
                writer.WriteStartArray("filters");
                foreach (var filter in query.Filters)
                {
                    writer.WriteStartObject();
                    WriteFieldFilter(writer, filter);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteStartArray("orderBy");
        foreach (var field in query.OrderBy.Append("__name__"))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("field");
            writer.WriteString("fieldPath", field);
            writer.WriteEndObject();
            writer.WriteString("direction", "ASCENDING");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (after is { } cursor)
        {
            writer.WriteStartObject("startAt");
            writer.WriteStartArray("values");
            foreach (var value in cursor.Values)
            {
                FirestoreValueCodec.WriteValue(writer, value);
            }

            FirestoreValueCodec.WriteValue(writer, FirestoreValue.Reference(cursor.Name));
            writer.WriteEndArray();
            writer.WriteBoolean("before", false);
            writer.WriteEndObject();
        }

        writer.WriteNumber("limit", limit);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteFieldFilter(Utf8JsonWriter writer, FirestoreFieldFilter filter)
    {
        writer.WriteStartObject("fieldFilter");
        writer.WriteStartObject("field");
        writer.WriteString("fieldPath", filter.Field);
        writer.WriteEndObject();
        writer.WriteString("op", filter.OperatorName);
        writer.WritePropertyName("value");
        FirestoreValueCodec.WriteValue(writer, filter.Value);
        writer.WriteEndObject();
    }

    // Unordered pages keep the original token (the last name alone); ordered ones add the last document's order values.
    private static string EncodePageToken(PageCursor cursor)
    {
        byte[] bytes;
        if (cursor.Values.IsEmpty)
        {
            bytes = Encoding.UTF8.GetBytes(cursor.Name);
        }
        else
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(cursor.Name);
                foreach (var value in cursor.Values)
                {
                    FirestoreValueCodec.WriteValue(writer, value);
                }

                writer.WriteEndArray();
            }

            bytes = buffer.ToArray();
        }

        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static PageCursor DecodePageToken(string token, int orderValues)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            var bytes = Convert.FromBase64String(base64);
            if (orderValues == 0)
            {
                return new PageCursor(Encoding.UTF8.GetString(bytes), []);
            }

            using var json = JsonDocument.Parse(bytes);
            var items = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement.EnumerateArray().ToList() : [];
            if (items.Count != orderValues + 1 || items[0].ValueKind != JsonValueKind.String)
            {
                throw new FormatException("the page token does not match this query's order");
            }

            return new PageCursor(items[0].GetString()!, [.. items.Skip(1).Select(FirestoreValueCodec.ReadValue)]);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw new GoogleApiException(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "page token is malformed", exception);
        }
    }

    // Where the next page starts: after this document, whose order-field values are these.
    private readonly record struct PageCursor(string Name, ImmutableArray<FirestoreValue> Values);
}
