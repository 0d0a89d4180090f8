namespace ImageTrust.TestSupport.Sigstore;

/// <summary>An entry of a <see cref="TestTransparencyLog"/>: what cosign's bundle annotation and a Sigstore bundle carry.</summary>
/// <param name="LogIndex">The entry's index.</param>
/// <param name="LogId">The log's id (SHA-256 of its DER key).</param>
/// <param name="Kind">The body's kind, e.g. <c>hashedrekord</c>.</param>
/// <param name="KindVersion">The body's version, e.g. <c>0.0.1</c>.</param>
/// <param name="IntegratedTime">Unix seconds.</param>
/// <param name="Body">The canonicalized entry body.</param>
/// <param name="SignedEntryTimestamp">The log's signature over the canonical <c>{body, integratedTime, logID, logIndex}</c>.</param>
internal sealed record TestLogEntry(long LogIndex, byte[] LogId, string Kind, string KindVersion, long IntegratedTime, byte[] Body, byte[] SignedEntryTimestamp);
