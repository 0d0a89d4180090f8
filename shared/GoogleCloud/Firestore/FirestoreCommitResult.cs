using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>What a commit returned.</summary>
/// <param name="CommitTime">The commit time (also the value of server-timestamp transforms).</param>
/// <param name="UpdateTimes">Each write's resulting update time, in write order (null for a no-op write).</param>
internal sealed record FirestoreCommitResult(DateTimeOffset CommitTime, ImmutableArray<DateTimeOffset?> UpdateTimes);
