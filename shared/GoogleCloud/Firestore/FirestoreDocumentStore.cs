namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>Documents in top-level collections of the configured Firestore database.</summary>
internal abstract class FirestoreDocumentStore
{
    /// <summary>Gets a document; null when it does not exist.</summary>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<FirestoreDocument?> GetAsync(string collection, string documentId, CancellationToken cancellationToken = default);

    /// <summary>Gets documents of one collection at once (consistent with each other); a missing one has no entry.</summary>
    /// <returns>The documents found, by id.</returns>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<IReadOnlyDictionary<string, FirestoreDocument>> GetManyAsync(string collection, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default);

    /// <summary>The most documents <see cref="GetManyAsync"/> reads in one request.</summary>
    public const int MaxDocumentsPerRead = 100;

    /// <summary>Creates a document unless one with that id exists.</summary>
    /// <exception cref="GoogleApiException">Another API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable.</exception>
    public abstract Task<FirestoreCreateOutcome> CreateAsync(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits writes atomically outside a transaction. A failed precondition surfaces as a <see cref="GoogleApiException"/>
    /// with status <c>FAILED_PRECONDITION</c> (update time or exists=true) or <c>ALREADY_EXISTS</c> (exists=false).
    /// </summary>
    /// <exception cref="GoogleApiException">A precondition failed, or another API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable.</exception>
    public abstract Task<FirestoreCommitResult> CommitAsync(IReadOnlyList<FirestoreWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="body"/> in a read-write transaction and commits its writes; on contention (<c>ABORTED</c>),
    /// a failed precondition or a transient error, the whole body runs again after a backoff, so it must have no other side effects.
    /// If the body throws, the transaction is rolled back and the exception propagates.
    /// </summary>
    /// <returns>The body's result from the attempt that committed, and the commit result (null when the body wrote nothing).</returns>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Retries were exhausted.</exception>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    public abstract Task<(T Result, FirestoreCommitResult? Commit)> RunTransactionAsync<T>(Func<FirestoreTransaction, CancellationToken, Task<T>> body, CancellationToken cancellationToken = default);

    /// <summary>Runs a query and returns one page.</summary>
    /// <exception cref="GoogleApiException">A non-retryable API error, or a malformed page token (<c>INVALID_ARGUMENT</c>).</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<FirestorePage> QueryAsync(FirestoreQuery query, CancellationToken cancellationToken = default);
}
