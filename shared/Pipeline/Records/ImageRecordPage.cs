using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Records;

/// <summary>One page of image records.</summary>
/// <param name="Records">The records, in document-id order.</param>
/// <param name="NextPageToken">The token for the next page, or null on the last page.</param>
internal sealed record ImageRecordPage(ImmutableArray<ImageRecord> Records, string? NextPageToken);
