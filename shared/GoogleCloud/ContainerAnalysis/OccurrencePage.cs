using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>One page of <c>occurrences.list</c>.</summary>
/// <param name="Occurrences">The occurrences.</param>
/// <param name="NextPageToken">The next page's token, or null on the last page.</param>
internal sealed record OccurrencePage(ImmutableArray<Occurrence> Occurrences, string? NextPageToken);
