using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>
/// The Firestore document id of an image record: readable and reversible, <c>/</c> becomes <c>~</c>, a character no registry
/// host or repository path can contain, e.g. <c>europe-docker.pkg.dev~p~repo~app@sha256:…</c>. Stored documents are found by
/// it, so it must never change.
/// </summary>
internal static class ImageDocumentIds
{
    /// <summary>The document id (valid: no <c>/</c>, never <c>.</c>, <c>..</c> or <c>__…__</c>, at most about 400 bytes).</summary>
    public static string For(ImageKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"{key.Repository.Replace('/', '~')}@{key.Digest}";
    }

    /// <summary>Reverses <see cref="For"/>.</summary>
    /// <exception cref="FormatException">The id was not produced by <see cref="For"/>.</exception>
    public static ImageKey Parse(string documentId)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        if (documentId.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"'{documentId}' is not an image document id");
        }

        var key = ImageKey.Parse(documentId.Replace('~', '/'));
        if (For(key) != documentId)
        {
            throw new FormatException($"'{documentId}' is not a canonical image document id");
        }

        return key;
    }
}
