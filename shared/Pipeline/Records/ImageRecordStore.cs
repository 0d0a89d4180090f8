namespace ImageTrust.Pipeline.Records;

/// <summary>
/// Image records with exactly-once effect: each change is applied in one atomic, conditional write together with the message id
/// that caused it and the events it raises; the events are published after the commit and then marked sent (in the request,
/// or by the drain from a confirmation subscription), so a crash in between leaves them pending
/// (<see cref="ImageRecord.PendingEvents"/>) until a retry or the drain publishes them.
/// </summary>
internal abstract class ImageRecordStore : ImageRecordReader
{
    /// <summary>
    /// Applies the change <paramref name="decide"/> returns for the current record (null when none exists), unless
    /// <paramref name="messageId"/> was already processed, then publishes pending events.
    /// <paramref name="decide"/> may run more than once (again when the record changed under it) and must have no side effects.
    /// </summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore or Pub/Sub is unavailable: retry the message
    /// (a retry of an applied message is a duplicate that still publishes what is pending).</exception>
    public Task<ApplyResult> ApplyAsync(ImageKey key, string messageId, Func<ImageRecord?, RecordChange> decide, CancellationToken cancellationToken = default)
        => ApplyAsync(key, [messageId], decide, cancellationToken);

    /// <summary>
    /// Applies one change for several coalesced messages at once (one write for a burst): a duplicate only when every id was processed.
    /// </summary>
    /// <exception cref="ArgumentException">No message ids.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore or Pub/Sub is unavailable: retry.</exception>
    public Task<ApplyResult> ApplyAsync(ImageKey key, IReadOnlyCollection<string> messageIds, Func<ImageRecord?, RecordChange> decide, CancellationToken cancellationToken = default)
        => ApplyAsync(key, messageIds, decide, null, cancellationToken);

    /// <summary>
    /// Applies one change for <paramref name="messageIds"/>, deciding first on <paramref name="basis"/> (a snapshot the caller
    /// read, which saves a read) or on a fresh read when null. If the record changed since, the change is decided again on a
    /// fresh read, so the result is the same as with a transaction.
    /// </summary>
    /// <exception cref="ArgumentException">No message ids, or a basis for another image.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore or Pub/Sub is unavailable, or the record kept changing: retry.</exception>
    public abstract Task<ApplyResult> ApplyAsync(ImageKey key, IReadOnlyCollection<string> messageIds, Func<ImageRecord?, RecordChange> decide, ImageRecordSnapshot? basis, CancellationToken cancellationToken = default);

    /// <summary>Gets a record; null when the image was never recorded.</summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore is unavailable.</exception>
    public override async Task<ImageRecord?> GetAsync(ImageKey key, CancellationToken cancellationToken = default)
        => (await ReadAsync(key, cancellationToken).ConfigureAwait(false)).Record;

    /// <summary>Reads a record with its version, the basis for a later apply.</summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore is unavailable.</exception>
    public abstract Task<ImageRecordSnapshot> ReadAsync(ImageKey key, CancellationToken cancellationToken = default);

    /// <summary>Lists records, optionally only those with <paramref name="status"/>, one page at a time.</summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore is unavailable.</exception>
    public abstract override Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the records judged under <paramref name="policyVersion"/> that are due at <paramref name="now"/>
    /// (<see cref="ImageRecord.DueAt"/> reached), earliest first, one page at a time: only due records are read.
    /// </summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The store is unavailable.</exception>
    public abstract Task<ImageRecordPage> ListDueAsync(string policyVersion, DateTimeOffset now, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the records (deleted ones excepted) judged under another policy version than <paramref name="policyVersion"/>, one page at a time.</summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The store is unavailable.</exception>
    public abstract Task<ImageRecordPage> ListOtherPolicyVersionAsync(string policyVersion, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the records with pending events that any delivery may publish at <paramref name="now"/> (see
    /// <see cref="ImageRecord.PendingEventsDueAt"/>), earliest first, one page at a time.
    /// </summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The store is unavailable.</exception>
    public abstract Task<ImageRecordPage> ListPendingEventsDueAsync(DateTimeOffset now, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes the record's pending events that no other delivery holds (claiming them first) and marks them sent; returns
    /// how many were published.
    /// </summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Firestore or Pub/Sub is unavailable.</exception>
    public abstract Task<int> FlushOutboxAsync(ImageKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks sent the pending events for <paramref name="topic"/> of the images in <paramref name="published"/> whose
    /// published bytes are among those pulled for the image from the topic's confirmation subscription; returns how many were
    /// removed.
    /// </summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The store is unavailable.</exception>
    public abstract Task<int> ConfirmPublishedAsync(string topic, IReadOnlyDictionary<ImageKey, List<ReadOnlyMemory<byte>>> published, CancellationToken cancellationToken = default);
}
