namespace ImageTrust.Signing.Transparency;

/// <summary>A Rekor log entry as carried by a bundle or cosign's bundle annotation.</summary>
/// <param name="LogIndex">The global log index (non-negative).</param>
/// <param name="LogId">The log's id bytes.</param>
/// <param name="Kind">The entry kind, e.g. <c>hashedrekord</c>, <c>intoto</c>, <c>dsse</c>.</param>
/// <param name="KindVersion">The kind's version, e.g. <c>0.0.1</c>.</param>
/// <param name="IntegratedTime">The log's integration time (Unix seconds), or null (Rekor v2 entries have none).</param>
/// <param name="CanonicalizedBody">The canonical entry body bytes.</param>
/// <param name="SignedEntryTimestamp">The SET (inclusion promise), or null.</param>
/// <param name="InclusionProof">The inclusion proof, or null.</param>
internal sealed record TransparencyLogEntry(
    long LogIndex,
    byte[] LogId,
    string Kind,
    string KindVersion,
    long? IntegratedTime,
    byte[] CanonicalizedBody,
    byte[]? SignedEntryTimestamp,
    InclusionProof? InclusionProof)
{
    /// <summary>The integrated time as an instant, or null.</summary>
    public DateTimeOffset? IntegratedAt => IntegratedTime is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
