using System.Text.RegularExpressions;

namespace ImageTrust.Model;

/// <summary>
/// A parsed image reference: <c>registry/repository[:tag][@digest]</c>, normalised as docker does (no registry means
/// <c>docker.io</c>, a one-segment Docker Hub name gets <c>library/</c>) and with the registry in canonical form
/// (<see cref="RegistryHost"/>), so every spelling of one repository has one <see cref="RepositoryName"/>: policies match
/// it and records are keyed by it.
/// </summary>
internal sealed partial record ImageReference
{
    private const int MaxNameLength = 255;
    private const int MaxReferenceLength = 1024;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host, with port if any, e.g. <c>europe-docker.pkg.dev</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, e.g. <c>project/repo/image</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or null.</summary>
    public string? Tag { get; }

    /// <summary>The digest, or null when the reference names a tag only.</summary>
    public Digest? Digest { get; }

    /// <summary><c>registry/repository</c>, the scope policies match against.</summary>
    public string RepositoryName => $"{Registry}/{Repository}";

    /// <summary>Parses a reference such as <c>host:5000/a/b:1.0</c> or <c>a/b@sha256:…</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid image reference.</exception>
    public static ImageReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text.Length > MaxReferenceLength)
        {
            throw new FormatException($"image reference must be 1–{MaxReferenceLength} characters");
        }

        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = Digest.Parse(rest[(at + 1)..]);
            rest = rest[..at];
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var tagColon = rest.IndexOf(':', lastSlash + 1);
        if (tagColon >= 0)
        {
            tag = rest[(tagColon + 1)..];
            rest = rest[..tagColon];
            if (!TagPattern().IsMatch(tag))
            {
                throw new FormatException($"tag '{Shorten(tag)}' is not valid");
            }
        }

        string registry;
        string repository;
        var firstSlash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = firstSlash < 0 ? string.Empty : rest[..firstSlash];
        if (firstSlash > 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = RegistryHost.Parse(first).Name;
            repository = rest[(firstSlash + 1)..];
        }
        else
        {
            registry = RegistryHost.DockerHub;
            repository = rest;
        }

        if (registry == RegistryHost.DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        if (repository.Length == 0 || repository.Length > MaxNameLength || !RepositoryPattern().IsMatch(repository))
        {
            throw new FormatException($"repository '{Shorten(repository)}' is not valid (lower-case path components separated by '/')");
        }

        return new ImageReference(registry, repository, tag, digest);
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            reference = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The same repository at <paramref name="digest"/>, keeping the tag for display.</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    /// <summary>The same repository at <paramref name="tag"/>, without a digest.</summary>
    /// <exception cref="FormatException">The tag is not valid.</exception>
    public ImageReference WithTag(string tag)
    {
        if (!TagPattern().IsMatch(tag))
        {
            throw new FormatException($"tag '{Shorten(tag)}' is not valid");
        }

        return new ImageReference(Registry, Repository, tag, null);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = RepositoryName;
        if (Tag is not null)
        {
            text += ":" + Tag;
        }

        if (Digest is not null)
        {
            text += "@" + Digest;
        }

        return text;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    // \z, not $: in .NET '$' also matches before a final newline, so "app\n" would pass.
    [GeneratedRegex(@"\A[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
