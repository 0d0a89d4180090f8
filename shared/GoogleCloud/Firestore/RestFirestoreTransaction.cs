
namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>A transaction of <see cref="RestFirestoreDocumentStore"/>; reads go through <c>documents:batchGet</c> with the transaction id.</summary>
internal sealed class RestFirestoreTransaction : FirestoreTransaction
{
    private readonly RestFirestoreDocumentStore _store;
    private readonly List<FirestoreWrite> _writes = [];

    /// <summary>Creates the transaction for an id returned by <c>beginTransaction</c>.</summary>
    public RestFirestoreTransaction(RestFirestoreDocumentStore store, string transactionId)
    {
        _store = store;
        TransactionId = transactionId;
    }

    /// <summary>The base64 transaction id.</summary>
    public string TransactionId { get; }

    /// <summary>The buffered writes.</summary>
    public IReadOnlyList<FirestoreWrite> Writes => _writes;

    /// <inheritdoc />
    public override Task<FirestoreDocument?> GetAsync(string collection, string documentId, CancellationToken cancellationToken = default)
        => _store.BatchGetOneAsync(collection, documentId, TransactionId, cancellationToken);

    /// <inheritdoc />
    public override void Write(FirestoreWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _writes.Add(write);
    }
}
