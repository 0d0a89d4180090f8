using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Signing.Json;

namespace ImageTrust.Verification;

/// <summary>
/// The parts of an OCI/Docker manifest or index the verifier reads: entries (index), layers, subject. Keys are matched as
/// go-containerregistry's Go structs match them (cosign's reading), and a field named twice under any spelling is refused.
/// </summary>
/// <param name="MediaType">The document's media type (from the registry, else from the JSON).</param>
/// <param name="Manifests">An index's entries; empty for a manifest.</param>
/// <param name="Layers">A manifest's layers; empty for an index.</param>
/// <param name="Subject">The <c>subject</c> descriptor, or null.</param>
internal sealed record ManifestDocument(string? MediaType, IReadOnlyList<ManifestDescriptor> Manifests, IReadOnlyList<ManifestDescriptor> Layers, ManifestDescriptor? Subject)
{
    /// <summary>The most entries or layers read.</summary>
    public const int MaxEntries = 1024;

    private static readonly GoJsonFieldName s_mediaType = GoJsonFieldName.Folded("mediaType");
    private static readonly GoJsonFieldName s_manifests = GoJsonFieldName.Folded("manifests");
    private static readonly GoJsonFieldName s_layers = GoJsonFieldName.Folded("layers");
    private static readonly GoJsonFieldName s_subject = GoJsonFieldName.Folded("subject");
    private static readonly GoJsonFieldName s_digest = GoJsonFieldName.Folded("digest");
    private static readonly GoJsonFieldName s_size = GoJsonFieldName.Folded("size");
    private static readonly GoJsonFieldName s_artifactType = GoJsonFieldName.Folded("artifactType");
    private static readonly GoJsonFieldName s_platform = GoJsonFieldName.Folded("platform");
    private static readonly GoJsonFieldName s_os = GoJsonFieldName.Folded("os");
    private static readonly GoJsonFieldName s_architecture = GoJsonFieldName.Folded("architecture");
    private static readonly GoJsonFieldName s_variant = GoJsonFieldName.Folded("variant");

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

            var ownType = JsonFields.TryGet(root, s_mediaType, out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            var manifests = ReadDescriptors(root, s_manifests);
            var layers = ReadDescriptors(root, s_layers);
            var effectiveType = string.IsNullOrEmpty(mediaType) ? ownType : mediaType;
            if (effectiveType is null && manifests.Count > 0 && !JsonFields.TryGet(root, s_layers, out _))
            {
                effectiveType = OciMediaTypes.OciIndex;
            }

            ManifestDescriptor? subject = null;
            if (JsonFields.TryGet(root, s_subject, out var subjectElement) && subjectElement.ValueKind != JsonValueKind.Null)
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

    private static List<ManifestDescriptor> ReadDescriptors(JsonElement root, GoJsonFieldName field)
    {
        var name = field.Name;
        if (!JsonFields.TryGet(root, field, out var array) || array.ValueKind == JsonValueKind.Null)
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

        if (!JsonFields.TryGet(element, s_digest, out var digestElement) || digestElement.ValueKind != JsonValueKind.String
            || !Digest.TryParse(digestElement.GetString(), out var digest))
        {
            throw new FormatException($"manifest {where} has no valid digest");
        }

        var size = JsonFields.TryGet(element, s_size, out var sizeElement) && sizeElement.ValueKind == JsonValueKind.Number && sizeElement.TryGetInt64(out var value) ? value : -1;
        var mediaType = StringOrNull(element, s_mediaType);
        var artifactType = StringOrNull(element, s_artifactType);
        string? platform = null;
        if (JsonFields.TryGet(element, s_platform, out var platformElement) && platformElement.ValueKind == JsonValueKind.Object)
        {
            var os = StringOrNull(platformElement, s_os);
            var architecture = StringOrNull(platformElement, s_architecture);
            var variant = StringOrNull(platformElement, s_variant);
            platform = variant is null ? $"{os}/{architecture}" : $"{os}/{architecture}/{variant}";
        }

        return new ManifestDescriptor(mediaType, digest, size, artifactType, platform);
    }

    private static string? StringOrNull(JsonElement element, GoJsonFieldName field)
        => JsonFields.TryGet(element, field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
