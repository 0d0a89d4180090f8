using ImageTrust.Model;

namespace ImageTrust.Pipeline.Records;

/// <summary>
/// Identifies one image record: the repository name (<c>registry/repository</c>) and the manifest digest.
/// Its Firestore document id is readable and reversible: <c>/</c> becomes <c>~</c>, a character no registry host or
/// repository path can contain, e.g. <c>europe-docker.pkg.dev~p~repo~app@sha256:…</c>.
/// </summary>
internal sealed record ImageKey
{
    private ImageKey(string repository, Digest digest)
    {
        Repository = repository;
        Digest = digest;
    }

    /// <summary><c>registry/repository</c>, e.g. <c>europe-docker.pkg.dev/p/repo/app</c>.</summary>
    public string Repository { get; }

    /// <summary>The manifest digest.</summary>
    public Digest Digest { get; }

    /// <summary>The key of a reference that carries a digest (its tag is ignored).</summary>
    /// <exception cref="FormatException">The reference has no digest.</exception>
    public static ImageKey From(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new ImageKey(reference.RepositoryName, reference.Digest ?? throw new FormatException($"image reference '{reference}' has no digest"));
    }

    /// <summary>Parses <c>registry/repository@sha256:…</c>.</summary>
    /// <exception cref="FormatException">Not a reference with a digest.</exception>
    public static ImageKey Parse(string text) => From(ImageReference.Parse(text));

    /// <summary>Reverses <see cref="ToDocumentId"/>.</summary>
    /// <exception cref="FormatException">The id was not produced by <see cref="ToDocumentId"/>.</exception>
    public static ImageKey FromDocumentId(string documentId)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        if (documentId.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"'{documentId}' is not an image document id");
        }

        var key = Parse(documentId.Replace('~', '/'));
        if (key.ToDocumentId() != documentId)
        {
            throw new FormatException($"'{documentId}' is not a canonical image document id");
        }

        return key;
    }

    /// <summary>The Firestore document id (valid: no <c>/</c>, never <c>.</c>, <c>..</c> or <c>__…__</c>, at most about 400 bytes).</summary>
    public string ToDocumentId() => $"{Repository.Replace('/', '~')}@{Digest}";

    /// <inheritdoc />
    public override string ToString() => $"{Repository}@{Digest}";
}
