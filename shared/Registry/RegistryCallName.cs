using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// Names one registry call for budget messages, e.g. <c>blob host/repo@sha256:…</c>; a value, formatted only when a limit is
/// passed, so charging a call allocates nothing.
/// </summary>
/// <param name="Kind">What is fetched: <c>manifest</c>, <c>blob</c>, <c>referrers of</c>, <c>tags of</c>.</param>
/// <param name="Target">The reference or repository.</param>
/// <param name="Digest">The blob or subject digest, when the call names one apart from <paramref name="Target"/>.</param>
internal readonly record struct RegistryCallName(string Kind, ImageReference Target, Digest? Digest = null)
{
    /// <inheritdoc />
    public override string ToString() => Digest is null ? $"{Kind} {Target}" : $"{Kind} {Target.RepositoryName}@{Digest}";
}
