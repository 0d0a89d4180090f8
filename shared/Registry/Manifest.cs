using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>A manifest or index as served: its verified digest, media type and raw bytes (the bytes are what signatures cover).</summary>
internal sealed record Manifest(Digest Digest, string MediaType, ReadOnlyMemory<byte> Content);
