namespace ImageTrust.Signing.Dsse;

/// <summary>One DSSE signature.</summary>
/// <param name="Signature">The raw signature bytes (decoded from base64).</param>
/// <param name="KeyId">The optional key id hint, or null.</param>
internal sealed record DsseSignature(byte[] Signature, string? KeyId);
