using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>One page of query results.</summary>
/// <param name="Documents">The documents, in name order.</param>
/// <param name="NextPageToken">The token for the next page, or null when this is the last.</param>
internal sealed record FirestorePage(ImmutableArray<FirestoreDocument> Documents, string? NextPageToken);
