namespace ImageTrust.TestSupport.Emulators;

/// <summary>One request a <see cref="FirestoreReadCounter"/> forwarded: when it arrived and when its answer was written
/// (<see cref="System.Diagnostics.Stopwatch"/> timestamps).</summary>
public sealed record ForwardedRequest(string Method, string Path, long Started, long Ended);
