namespace ImageTrust.Pipeline.Records;

/// <summary>
/// What the store held for an image when it was read: the record (null when none) and the version it had, so a later
/// <see cref="ImageRecordStore.ApplyAsync(ImageKey, IReadOnlyCollection{string}, Func{ImageRecord?, RecordChange}, ImageRecordSnapshot?, CancellationToken)"/>
/// can commit against it without reading again.
/// </summary>
/// <param name="Key">The image read.</param>
/// <param name="Record">The record, or null when the image was never recorded.</param>
/// <param name="Version">The store's version of the record (Firestore's update time), or null when there is no record.</param>
/// <param name="Assumed">True when nothing was read: the caller guessed the image is new (<see cref="AssumedAbsent"/>).</param>
internal sealed record ImageRecordSnapshot(ImageKey Key, ImageRecord? Record, DateTimeOffset? Version, bool Assumed = false)
{
    /// <summary>
    /// A guess, without a read, that <paramref name="key"/> was never recorded: the write creates the record only if it
    /// still does not exist, and when it does, the change is decided again on a fresh read (at once, without backing off).
    /// </summary>
    public static ImageRecordSnapshot AssumedAbsent(ImageKey key) => new(key, null, null, Assumed: true);
}
