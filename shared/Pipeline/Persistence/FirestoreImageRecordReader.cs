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
    public override async Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var query = status is { } wanted
            ? new FirestoreQuery(_collection, pageSize, pageToken, ImageRecordDocument.StatusField, FirestoreValue.String(wanted.ToWire()))
            : new FirestoreQuery(_collection, pageSize, pageToken);
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
