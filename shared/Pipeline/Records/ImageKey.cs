using ImageTrust.Model;

namespace ImageTrust.Pipeline.Records;

/// <summary>Identifies one image record: the repository name (<c>registry/repository</c>) and the manifest digest.</summary>
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

    /// <summary>
    /// The Google Cloud project the image lives in, from its registry path: <c>LOCATION-docker.pkg.dev/PROJECT/…</c>
    /// (Artifact Registry) or <c>[REGION.]gcr.io/PROJECT/…</c>; null for any other registry.
    /// </summary>
    public string? SourceProject
    {
        get
        {
            var slash = Repository.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                return null;
            }

            var host = Repository[..slash];
            var rest = Repository[(slash + 1)..];
            var isGoogle = host.EndsWith("-docker.pkg.dev", StringComparison.Ordinal) || host == "gcr.io" || host.EndsWith(".gcr.io", StringComparison.Ordinal);
            var end = rest.IndexOf('/', StringComparison.Ordinal);
            return isGoogle && end > 0 ? rest[..end] : null;
        }
    }

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

    /// <inheritdoc />
    public override string ToString() => $"{Repository}@{Digest}";
}
