using System.Globalization;
using System.Text;

namespace ImageTrust.Signing.Transparency;

/// <summary>
/// A transparency log checkpoint in the signed note format: a body of <c>origin</c>, <c>size</c> and base64 <c>root hash</c>
/// lines (then optional extension lines), a blank line, and one or more signature lines.
/// </summary>
internal sealed record SignedCheckpoint(string Origin, long TreeSize, byte[] RootHash, byte[] SignedBody, IReadOnlyList<CheckpointSignature> Signatures)
{
    /// <summary>The largest note accepted.</summary>
    public const int MaxLength = 64 * 1024;

    private const string SignaturePrefix = "\u2014 ";

    /// <summary>Parses a signed note.</summary>
    /// <exception cref="FormatException">The note is malformed: missing origin, size or root hash, or no signature.</exception>
    public static SignedCheckpoint Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new FormatException("checkpoint is too large");
        }

        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new FormatException("checkpoint has no signature block");
        }

        var body = text[..(split + 1)];
        var lines = body[..^1].Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0)
        {
            throw new FormatException("checkpoint body needs origin, size and root hash lines");
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw new FormatException($"checkpoint size '{lines[1]}' is not a number");
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException e)
        {
            throw new FormatException("checkpoint root hash is not base64", e);
        }

        if (root.Length != 32)
        {
            throw new FormatException("checkpoint root hash is not 32 bytes");
        }

        var signatures = new List<CheckpointSignature>();
        foreach (var line in text[(split + 2)..].Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                throw new FormatException("checkpoint signature line does not start with an em dash");
            }

            var parts = line[SignaturePrefix.Length..].Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                throw new FormatException("checkpoint signature line is malformed");
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException e)
            {
                throw new FormatException("checkpoint signature is not base64", e);
            }

            if (blob.Length < 5)
            {
                throw new FormatException("checkpoint signature is too short");
            }

            signatures.Add(new CheckpointSignature(parts[0], blob[..4], blob[4..]));
        }

        if (signatures.Count == 0)
        {
            throw new FormatException("checkpoint has no signature");
        }

        return new SignedCheckpoint(lines[0], size, root, Encoding.UTF8.GetBytes(body), signatures);
    }
}
