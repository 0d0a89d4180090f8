using System.Security.Cryptography;

namespace ImageTrust.Signing.Bundles;

/// <summary>The artifact a bundle must be verified against: its bytes, or only its SHA-256 digest.</summary>
internal sealed class BundleArtifact
{
    private BundleArtifact(byte[]? content, byte[] sha256)
    {
        Content = content;
        Sha256 = sha256;
    }

    /// <summary>The artifact bytes, or null when only the digest is known.</summary>
    public byte[]? Content { get; }

    /// <summary>The artifact's SHA-256.</summary>
    public byte[] Sha256 { get; }

    /// <summary>An artifact given by content.</summary>
    public static BundleArtifact FromContent(byte[] content) => new(content, SHA256.HashData(content));

    /// <summary>An artifact given by its SHA-256 digest.</summary>
    /// <exception cref="FormatException">The digest is not 32 bytes.</exception>
    public static BundleArtifact FromSha256(byte[] digest) =>
        digest.Length == 32 ? new BundleArtifact(null, (byte[])digest.Clone()) : throw new FormatException("a SHA-256 digest has 32 bytes");

    /// <summary>Parses <c>sha256:&lt;64 hex&gt;</c>.</summary>
    /// <exception cref="FormatException">Not a SHA-256 digest string.</exception>
    public static BundleArtifact FromDigestString(string digest)
    {
        const string prefix = "sha256:";
        if (!digest.StartsWith(prefix, StringComparison.Ordinal) || digest.Length != prefix.Length + 64)
        {
            throw new FormatException($"'{digest}' is not a sha256:<hex> digest");
        }

        return FromSha256(Convert.FromHexString(digest.AsSpan(prefix.Length)));
    }
}
