using System.Text;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.BinaryAuthorization;

/// <summary>
/// The payload of a Binary Authorization attestation, byte for byte what
/// <c>gcloud container binauthz create-signature-payload --artifact-url=URL</c> prints: sorted keys, two-space indent, ASCII,
/// a trailing newline; <c>docker-reference</c> is the repository without tag or digest.
/// </summary>
internal static class ContainerSignaturePayload
{
    /// <summary>The payload's <c>type</c>.</summary>
    public const string Type = "Google cloud binauthz container signature";

    private const string Scheme = "https://";

    /// <summary>The payload for <paramref name="repository"/> (<c>registry/repository</c>, no scheme, tag or digest) at <paramref name="digest"/>.</summary>
    /// <exception cref="FormatException">The repository is empty, too long, or not printable ASCII without quotes and backslashes.</exception>
    public static byte[] Create(string repository, Digest digest)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        if (repository.Length is 0 or > 2048 || repository.Any(c => c is < '!' or > '~' or '"' or '\\' or '@') || repository.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new FormatException($"'{(repository.Length <= 80 ? repository : repository[..80] + "…")}' is not a repository name for an attestation payload");
        }

        // Written by hand rather than serialized: the bytes must equal gcloud's (Python json.dumps, indent=2, sort_keys=True),
        // and the values are ASCII without characters that would need escaping.
        var text = "{\n"
            + "  \"critical\": {\n"
            + "    \"identity\": {\n"
            + $"      \"docker-reference\": \"{repository}\"\n"
            + "    },\n"
            + "    \"image\": {\n"
            + $"      \"docker-manifest-digest\": \"{digest}\"\n"
            + "    },\n"
            + $"    \"type\": \"{Type}\"\n"
            + "  }\n"
            + "}\n";
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>The payload for a Container Analysis resource URI, <c>https://registry/repository@sha256:…</c>.</summary>
    /// <exception cref="FormatException">The URI is not an https image URL with a digest.</exception>
    public static byte[] ForResourceUri(string resourceUri)
    {
        ArgumentNullException.ThrowIfNull(resourceUri);
        var at = resourceUri.LastIndexOf('@');
        if (!resourceUri.StartsWith(Scheme, StringComparison.Ordinal) || at < 0)
        {
            throw new FormatException($"resource URI '{(resourceUri.Length <= 80 ? resourceUri : resourceUri[..80] + "…")}' is not https://REPOSITORY@sha256:…");
        }

        return Create(resourceUri[Scheme.Length..at], Digest.Parse(resourceUri[(at + 1)..]));
    }
}
