using System.Security.Cryptography;

namespace ImageTrust.Model;

/// <summary>A content digest such as <c>sha256:&lt;64 hex&gt;</c>. Always lower-case and validated.</summary>
internal sealed record Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>The algorithm: <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lower-case hex encoding of the hash.</summary>
    public string Hex { get; }

    /// <summary>Parses <c>algorithm:hex</c>.</summary>
    /// <exception cref="FormatException">The text is not a supported, well-formed digest.</exception>
    public static Digest Parse(string text)
    {
        if (TryParse(text, out var digest, out var error))
        {
            return digest;
        }

        throw new FormatException(error);
    }

    /// <summary>Parses <c>algorithm:hex</c> without throwing.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Digest? digest)
        => TryParse(text, out digest, out _);

    private static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Digest? digest, out string error)
    {
        digest = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "digest is empty";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"digest '{Truncate(text)}' has no 'algorithm:' prefix";
            return false;
        }

        var algorithm = text[..colon];
        var hex = text[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        if (expectedLength < 0)
        {
            error = $"digest algorithm '{Truncate(algorithm)}' is not supported (sha256, sha512)";
            return false;
        }

        if (hex.Length != expectedLength || !hex.All(IsLowerHex))
        {
            error = $"digest '{Truncate(text)}' must be {algorithm}: followed by {expectedLength} lower-case hex digits";
            return false;
        }

        digest = new Digest(algorithm, hex);
        error = string.Empty;
        return true;
    }

    /// <summary>The SHA-256 digest of <paramref name="content"/>.</summary>
    public static Digest Sha256Of(ReadOnlySpan<byte> content)
        => new("sha256", Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>Whether <paramref name="content"/> hashes to this digest.</summary>
    public bool Matches(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[64];
        var written = Algorithm == "sha256" ? SHA256.HashData(content, hash) : SHA512.HashData(content, hash);
        return string.Equals(Convert.ToHexStringLower(hash[..written]), Hex, StringComparison.Ordinal);
    }

    /// <summary>The raw hash bytes.</summary>
    public byte[] ToBytes() => Convert.FromHexString(Hex);

    /// <summary>The cosign tag prefix for this digest: <c>sha256-&lt;hex&gt;</c>.</summary>
    public string ToTagPrefix() => $"{Algorithm}-{Hex}";

    /// <inheritdoc />
    public override string ToString() => $"{Algorithm}:{Hex}";

    private static bool IsLowerHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
