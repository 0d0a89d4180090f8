namespace ImageTrust.TestSupport.Sigstore;

/// <summary>An RFC 6962 inclusion proof of one entry with the signed checkpoint (note) committing to its root.</summary>
/// <param name="LogIndex">The entry's index.</param>
/// <param name="TreeSize">The tree size the proof is for.</param>
/// <param name="RootHash">The tree root.</param>
/// <param name="Hashes">The audit path, leaf to root.</param>
/// <param name="Checkpoint">The signed note.</param>
internal sealed record TestInclusionProof(long LogIndex, long TreeSize, byte[] RootHash, IReadOnlyList<byte[]> Hashes, string Checkpoint);
