using ImageTrust.Model;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Events;

/// <summary>Container Analysis resource URIs: <c>https://LOC-docker.pkg.dev/P/REPO/IMG@sha256:…</c>.</summary>
internal static class ResourceUri
{
    private const string Scheme = "https://";

    /// <summary>The image a resource URI names.</summary>
    /// <exception cref="PermanentInputException">The URI is not an https image reference with a digest.</exception>
    public static ImageKey ToImageKey(string? resourceUri)
    {
        if (resourceUri is null || !resourceUri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new PermanentInputException("INVALID_RESOURCE_URI", $"occurrence resource URI '{Shorten(resourceUri)}' does not start with {Scheme}");
        }

        try
        {
            return ImageKey.Parse(resourceUri[Scheme.Length..]);
        }
        catch (FormatException exception)
        {
            throw new PermanentInputException("INVALID_RESOURCE_URI", $"occurrence resource URI '{Shorten(resourceUri)}' is not an image with a digest: {exception.Message}", exception);
        }
    }

    /// <summary>The resource URI of an image, as Container Analysis filters by it.</summary>
    public static string FromImageKey(ImageKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Scheme + key;
    }

    private static string Shorten(string? text) => text is null ? "(none)" : text.Length <= 200 ? text : text[..200] + "…";
}
