namespace ImageTrust.TestSupport.Emulators;

/// <summary>One request a <see cref="FirestoreReadCounter"/> forwarded: when it arrived and when its answer was written
/// (<see cref="System.Diagnostics.Stopwatch"/> timestamps).</summary>
public sealed record ForwardedRequest(string Method, string Path, long Started, long Ended)
{
    /// <summary>What the request does: a POST's custom verb (commit, runQuery, publish, …); a GET reads a document.</summary>
    public string Kind => Method == "GET" ? "document" : Path[(Path.LastIndexOf(':') + 1)..];
}
