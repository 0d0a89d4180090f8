using System.Text;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>Firestore's rules for document and collection ids.</summary>
internal static class FirestoreDocumentIds
{
    /// <summary>The longest id in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 1500;

    /// <summary>Checks an id: 1-1500 UTF-8 bytes, no <c>/</c>, not <c>.</c> or <c>..</c>, not <c>__…__</c>.</summary>
    /// <exception cref="FormatException">The id breaks a rule.</exception>
    public static string Validate(string id, string what = "document")
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0 || Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            throw new FormatException($"{what} id must be 1-{MaxIdBytes} UTF-8 bytes");
        }

        if (id.Contains('/', StringComparison.Ordinal) || id is "." or ".." || (id.Length >= 4 && id.StartsWith("__", StringComparison.Ordinal) && id.EndsWith("__", StringComparison.Ordinal)))
        {
            throw new FormatException($"{what} id '{(id.Length > 80 ? id[..80] + "…" : id)}' is not allowed (no '/', not '.', '..' or '__…__')");
        }

        return id;
    }
}
