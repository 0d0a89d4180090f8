namespace ImageTrust.Signing.Bundles;

/// <summary>A bundle's signature over an artifact.</summary>
/// <param name="Signature">The raw signature.</param>
/// <param name="Sha256Digest">The bundle's (unauthenticated) SHA-256 hint of the artifact, or null when absent.</param>
internal sealed record MessageSignature(byte[] Signature, byte[]? Sha256Digest);
