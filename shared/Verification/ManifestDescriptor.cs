using ImageTrust.Model;

namespace ImageTrust.Verification;

/// <summary>A content descriptor from a manifest or index: media type, digest, size, artifact type and platform.</summary>
/// <param name="MediaType">The descriptor's media type, or null when absent.</param>
/// <param name="Digest">The content digest.</param>
/// <param name="Size">The declared size.</param>
/// <param name="ArtifactType">The artifact type, or null.</param>
/// <param name="Platform">The <c>os/architecture[/variant]</c> of an index entry, or null.</param>
internal sealed record ManifestDescriptor(string? MediaType, Digest Digest, long Size, string? ArtifactType, string? Platform);
