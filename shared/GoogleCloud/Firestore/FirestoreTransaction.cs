namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>
/// A read-write transaction in progress: reads see a consistent snapshot and lock the documents; writes are buffered
/// and committed together when the transaction body returns.
/// </summary>
internal abstract class FirestoreTransaction
{
    /// <summary>Reads a document in the transaction; null when it does not exist.</summary>
    /// <exception cref="GoogleApiException">An API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable.</exception>
    public abstract Task<FirestoreDocument?> GetAsync(string collection, string documentId, CancellationToken cancellationToken = default);

    /// <summary>Buffers a write for the commit.</summary>
    public abstract void Write(FirestoreWrite write);
}
