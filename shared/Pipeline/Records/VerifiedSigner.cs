namespace ImageTrust.Pipeline.Records;

/// <summary>A signer whose signature verified.</summary>
/// <param name="Identity">The certificate identity (SAN) or the key's name.</param>
/// <param name="Issuer">The OIDC issuer for keyless signatures, or null.</param>
/// <param name="KeyId">The key id for key-based signatures, or null.</param>
/// <param name="TlogIndex">The transparency log index, or null when none was checked.</param>
internal sealed record VerifiedSigner(string Identity, string? Issuer, string? KeyId, long? TlogIndex);
