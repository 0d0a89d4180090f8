using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;

namespace ImageTrust.Pipeline.Records;

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
        var document = await _documents.GetAsync(_collection, key.ToDocumentId(), cancellationToken).ConfigureAwait(false);
        return document is null ? null : Read(document);
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

        return new ImageRecordPage([.. page.Documents.Select(Read)], page.NextPageToken);
    }

    /// <summary>The record a document holds.</summary>
    /// <exception cref="InvalidDataException">The document is not a valid image record.</exception>
    internal static ImageRecord Read(FirestoreDocument document)
    {
        try
        {
            return ImageRecordDocument.FromDocument(document);
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException($"image record {document.Id} is malformed: {exception.Message}", exception);
        }
    }
}
