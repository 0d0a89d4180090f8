namespace ImageTrust.Pipeline.Records;

/// <summary>
/// What the store held for an image when it was read: the record (null when none) and the version it had, so a later
/// <see cref="ImageRecordStore.ApplyAsync(ImageKey, IReadOnlyCollection{string}, Func{ImageRecord?, RecordChange}, ImageRecordSnapshot?, CancellationToken)"/>
/// can commit against it without reading again.
/// </summary>
/// <param name="Key">The image read.</param>
/// <param name="Record">The record, or null when the image was never recorded.</param>
/// <param name="Version">The store's version of the record (Firestore's update time), or null when there is no record.</param>
internal sealed record ImageRecordSnapshot(ImageKey Key, ImageRecord? Record, DateTimeOffset? Version);
