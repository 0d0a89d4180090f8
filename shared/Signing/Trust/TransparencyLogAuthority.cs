using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Trust;

/// <summary>
/// A transparency log (Rekor) or certificate transparency log trusted for entries made within <see cref="Validity"/>.
/// </summary>
/// <param name="LogId">The log id bytes: the trusted root's <c>logId.keyId</c>, or SHA-256 of the key's DER SPKI.</param>
/// <param name="Key">The log's signing key.</param>
/// <param name="Validity">When the key may have signed.</param>
/// <param name="BaseUrl">The log's base URL, or null when configured from a bare key.</param>
internal sealed record TransparencyLogAuthority(byte[] LogId, VerificationKey Key, TimeWindow Validity, Uri? BaseUrl)
{
    /// <summary>Lower-case hex of <see cref="LogId"/>.</summary>
    public string LogIdHex { get; } = Convert.ToHexStringLower(LogId);

    /// <summary>The host (and non-default port) of <see cref="BaseUrl"/>, which names the log in signed checkpoints; null when unknown.</summary>
    public string? Host => BaseUrl?.Authority;
}
