using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Persistence;

/// <summary><see cref="ImageRecordReader"/> on the Firestore collection <see cref="FirestoreImageRecordStore"/> writes.</summary>
internal sealed class FirestoreImageRecordReader : ImageRecordReader
{
    private readonly FirestoreDocumentStore _documents;
    private readonly string _collection;

    /// <summary>Creates the reader.</summary>
    /// <param name="documents">The Firestore documents.</param>
    /// <param name="collection">The collection id (tests use unique ones).</param>
    /// <exception cref="FormatException">The collection id is invalid.</exception>
    public FirestoreImageRecordReader(FirestoreDocumentStore documents, string collection = FirestoreImageRecordStore.DefaultCollection)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
        _collection = FirestoreDocumentIds.Validate(collection, "collection");
    }

    /// <inheritdoc />
    public override async Task<ImageRecord?> GetAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var document = await _documents.GetAsync(_collection, ImageDocumentIds.For(key), cancellationToken).ConfigureAwait(false);
        return document is null ? null : ImageRecordDocument.Read(document).Record;
    }

    /// <inheritdoc />
    public override Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default)
        => QueryAsync(
            status is { } wanted
                ? new FirestoreQuery(_collection, pageSize, pageToken, ImageRecordDocument.StatusField, FirestoreValue.String(wanted.ToWire()))
                : new FirestoreQuery(_collection, pageSize, pageToken),
            cancellationToken);

    /// <summary>
    /// The records judged under <paramref name="policyVersion"/> and due at <paramref name="now"/>, earliest first. Equality on
    /// the version and a range on the due time: the composite index (duePolicyVersion, dueAt) in terraform serves it.
    /// </summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore is unavailable.</exception>
    public Task<ImageRecordPage> ListDueAsync(string policyVersion, DateTimeOffset now, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policyVersion);
        return QueryAsync(
            new FirestoreQuery(
                _collection,
                pageSize,
                pageToken,
                [
                    new FirestoreFieldFilter(ImageRecordDocument.DuePolicyVersionField, FirestoreOperator.Equal, FirestoreValue.String(policyVersion)),
                    new FirestoreFieldFilter(ImageRecordDocument.DueAtField, FirestoreOperator.LessThanOrEqual, FirestoreValue.Timestamp(now)),
                ],
                [ImageRecordDocument.DueAtField]),
            cancellationToken);
    }

    /// <summary>The records (not deleted) judged under another policy version than <paramref name="policyVersion"/>.</summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore is unavailable.</exception>
    public Task<ImageRecordPage> ListOtherPolicyVersionAsync(string policyVersion, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policyVersion);
        return QueryAsync(
            new FirestoreQuery(
                _collection,
                pageSize,
                pageToken,
                [new FirestoreFieldFilter(ImageRecordDocument.DuePolicyVersionField, FirestoreOperator.NotEqual, FirestoreValue.String(policyVersion))],
                [ImageRecordDocument.DuePolicyVersionField]),
            cancellationToken);
    }

    /// <summary>
    /// The records with outbox events anyone may publish at <paramref name="now"/> (<c>outboxDueAt &lt;= now</c>), earliest
    /// first: a range on one field, served by Firestore's automatic single-field index (no composite index needed).
    /// </summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore is unavailable.</exception>
    public Task<ImageRecordPage> ListPendingEventsDueAsync(DateTimeOffset now, int pageSize, string? pageToken, CancellationToken cancellationToken)
        => QueryAsync(
            new FirestoreQuery(
                _collection,
                pageSize,
                pageToken,
                [new FirestoreFieldFilter(ImageRecordDocument.OutboxDueAtField, FirestoreOperator.LessThanOrEqual, FirestoreValue.Timestamp(now))],
                [ImageRecordDocument.OutboxDueAtField]),
            cancellationToken);

    private async Task<ImageRecordPage> QueryAsync(FirestoreQuery query, CancellationToken cancellationToken)
    {
        var pageToken = query.PageToken;
        FirestorePage page;
        try
        {
            page = await _documents.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException exception) when (exception.Status == "INVALID_ARGUMENT" && pageToken is not null)
        {
            throw new FormatException("the page token is not valid for this listing", exception);
        }

        return new ImageRecordPage([.. page.Documents.Select(document => ImageRecordDocument.Read(document).Record)], page.NextPageToken);
    }
}
