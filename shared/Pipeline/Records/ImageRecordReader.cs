namespace ImageTrust.Pipeline.Records;

/// <summary>
/// Reads image records without changing them or publishing anything: what <c>imagetrust status</c> needs, so it is built
/// without a Pub/Sub publisher. <see cref="ImageRecordStore"/> is a reader too.
/// </summary>
internal abstract class ImageRecordReader
{
    /// <summary>Gets a record; null when the image was never recorded.</summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The store is unavailable.</exception>
    /// <exception cref="InvalidDataException">The stored record is malformed.</exception>
    public abstract Task<ImageRecord?> GetAsync(ImageKey key, CancellationToken cancellationToken = default);

    /// <summary>Lists records, optionally only those with <paramref name="status"/>, one page at a time.</summary>
    /// <exception cref="FormatException">The page size or token is invalid.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The store is unavailable.</exception>
    public abstract Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default);
}
