using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Verification;

/// <summary>The parts of an OCI/Docker manifest or index the verifier reads: entries (index), layers, subject.</summary>
/// <param name="MediaType">The document's media type (from the registry, else from the JSON).</param>
/// <param name="Manifests">An index's entries; empty for a manifest.</param>
/// <param name="Layers">A manifest's layers; empty for an index.</param>
/// <param name="Subject">The <c>subject</c> descriptor, or null.</param>
internal sealed record ManifestDocument(string? MediaType, IReadOnlyList<ManifestDescriptor> Manifests, IReadOnlyList<ManifestDescriptor> Layers, ManifestDescriptor? Subject)
{
    /// <summary>The most entries or layers read.</summary>
    public const int MaxEntries = 1024;

    /// <summary>Whether this is an index (OCI index or Docker manifest list).</summary>
    public bool IsIndex => MediaType is OciMediaTypes.OciIndex or OciMediaTypes.DockerManifestList;

    /// <summary>Parses <paramref name="manifest"/>'s content.</summary>
    /// <exception cref="FormatException">The content is not a JSON object, or a descriptor is malformed.</exception>
    public static ManifestDocument Parse(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Parse(manifest.Content, manifest.MediaType);
    }

    /// <summary>Parses manifest JSON; <paramref name="mediaType"/> (e.g. the Content-Type) wins over the JSON's own field.</summary>
    /// <exception cref="FormatException">The content is not a JSON object, or a descriptor is malformed.</exception>
    public static ManifestDocument Parse(ReadOnlyMemory<byte> content, string? mediaType)
    {
        try
        {
            using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("manifest is not a JSON object");
            }

            var ownType = root.TryGetProperty("mediaType", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            var manifests = ReadDescriptors(root, "manifests");
            var layers = ReadDescriptors(root, "layers");
            var effectiveType = string.IsNullOrEmpty(mediaType) ? ownType : mediaType;
            if (effectiveType is null && manifests.Count > 0 && !root.TryGetProperty("layers", out _))
            {
                effectiveType = OciMediaTypes.OciIndex;
            }

            ManifestDescriptor? subject = null;
            if (root.TryGetProperty("subject", out var subjectElement) && subjectElement.ValueKind != JsonValueKind.Null)
            {
                subject = ReadDescriptor(subjectElement, "subject");
            }

            return new ManifestDocument(effectiveType, manifests, layers, subject);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"manifest is not valid JSON: {e.Message}", e);
        }
    }

    private static List<ManifestDescriptor> ReadDescriptors(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"manifest '{name}' is not an array");
        }

        if (array.GetArrayLength() > MaxEntries)
        {
            throw new FormatException($"manifest '{name}' has more than {MaxEntries} entries");
        }

        var result = new List<ManifestDescriptor>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            result.Add(ReadDescriptor(element, $"{name}[{index++}]"));
        }

        return result;
    }

    private static ManifestDescriptor ReadDescriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"manifest {where} is not an object");
        }

        if (!element.TryGetProperty("digest", out var digestElement) || digestElement.ValueKind != JsonValueKind.String
            || !Digest.TryParse(digestElement.GetString(), out var digest))
        {
            throw new FormatException($"manifest {where} has no valid digest");
        }

        var size = element.TryGetProperty("size", out var sizeElement) && sizeElement.ValueKind == JsonValueKind.Number && sizeElement.TryGetInt64(out var value) ? value : -1;
        var mediaType = StringOrNull(element, "mediaType");
        var artifactType = StringOrNull(element, "artifactType");
        string? platform = null;
        if (element.TryGetProperty("platform", out var platformElement) && platformElement.ValueKind == JsonValueKind.Object)
        {
            var os = StringOrNull(platformElement, "os");
            var architecture = StringOrNull(platformElement, "architecture");
            var variant = StringOrNull(platformElement, "variant");
            platform = variant is null ? $"{os}/{architecture}" : $"{os}/{architecture}/{variant}";
        }

        return new ManifestDescriptor(mediaType, digest, size, artifactType, platform);
    }

    private static string? StringOrNull(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
