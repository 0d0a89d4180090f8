namespace ImageTrust.Signing.Transparency;

/// <summary>An RFC 6962 inclusion proof of a log entry, with the signed checkpoint that commits to its root.</summary>
/// <param name="LogIndex">The entry's index in the tree (for sharded logs, within the shard).</param>
/// <param name="RootHash">The tree root the proof leads to.</param>
/// <param name="TreeSize">The tree size the proof is for.</param>
/// <param name="Hashes">The audit path, leaf to root.</param>
/// <param name="Checkpoint">The signed checkpoint (note) text, or null when absent.</param>
internal sealed record InclusionProof(long LogIndex, byte[] RootHash, long TreeSize, IReadOnlyList<byte[]> Hashes, string? Checkpoint);
