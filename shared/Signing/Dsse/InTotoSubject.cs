namespace ImageTrust.Signing.Dsse;

/// <summary>One in-toto statement subject: a name and its digests by algorithm (keys exactly as written, e.g. <c>sha256</c>).</summary>
internal sealed record InTotoSubject(string Name, IReadOnlyDictionary<string, string> Digests);
