using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>One layer found by <see cref="ClassicLayerDiscovery"/>: its content, or why it could not be read.</summary>
/// <param name="Location">Where it was found (<c>reference layer N</c>, or the manifest's reference when that was unreadable).</param>
/// <param name="Layer">The layer; null when the manifest itself was unreadable.</param>
/// <param name="Content">The fetched content (payload or DSSE envelope); null when unreadable.</param>
/// <param name="Unreadable">The unreadable outcome; null when <paramref name="Content"/> was read.</param>
internal sealed record ClassicLayerContent(string Location, SignatureLayer? Layer, byte[]? Content, SignatureOutcome? Unreadable);
