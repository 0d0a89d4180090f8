using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The <see cref="JsonDocument"/> reading of a signature manifest, with the same rules as
/// <see cref="SignatureManifest.Parse(ReadOnlyMemory{byte}, string)"/> (Go's key matching, nothing ImageTrust reads named
/// twice). The single-pass reader accepts and reads the same manifests, except those with a JSON escape that is not valid
/// UTF-16 (a lone surrogate) in a compared value, which are read here instead.
/// </summary>
internal static class SignatureManifestDocumentReader
{
    private static readonly GoJsonFieldName Layers = GoJsonFieldName.Folded("layers");
    private static readonly GoJsonFieldName MediaType = GoJsonFieldName.Folded("mediaType");
    private static readonly GoJsonFieldName DigestField = GoJsonFieldName.Folded("digest");
    private static readonly GoJsonFieldName Size = GoJsonFieldName.Folded("size");
    private static readonly GoJsonFieldName Annotations = GoJsonFieldName.Folded("annotations");

    /// <summary>Parses the manifest JSON, keeping the layers of <paramref name="layerMediaType"/>.</summary>
    /// <exception cref="FormatException">The manifest is not valid JSON, has no <c>layers</c> array, or a layer is malformed.</exception>
    public static SignatureManifest Parse(ReadOnlyMemory<byte> content, string layerMediaType)
    {
        try
        {
            return Read(content, layerMediaType);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"signature manifest has an invalid string: {e.Message}", e);
        }
    }

    private static SignatureManifest Read(ReadOnlyMemory<byte> content, string layerMediaType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"signature manifest is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !Get(root, Layers, "signature manifest", out var layers)
                || layers.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("signature manifest has no 'layers' array");
            }

            if (layers.GetArrayLength() > SignatureManifest.MaxLayers)
            {
                throw new FormatException($"signature manifest has more than {SignatureManifest.MaxLayers} layers");
            }

            var result = new List<SignatureLayer>(layers.GetArrayLength());
            var ignored = 0;
            var index = 0;
            foreach (var layer in layers.EnumerateArray())
            {
                if (layer.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"signature manifest layer {index} is not an object");
                }

                var where = $"signature manifest layer {index}";
                var hasMediaType = Get(layer, MediaType, where, out var mediaType);
                _ = Get(layer, DigestField, where, out _) | Get(layer, Size, where, out _) | Get(layer, Annotations, where, out _);
                if (!(hasMediaType
                    && mediaType.ValueKind == JsonValueKind.String
                    && mediaType.ValueEquals(layerMediaType)))
                {
                    ignored++;
                    index++;
                    continue;
                }

                result.Add(ParseLayer(layer, index));
                index++;
            }

            return new SignatureManifest(result, ignored);
        }
    }

    private static SignatureLayer ParseLayer(JsonElement layer, int index)
    {
        var where = $"signature manifest layer {index}";
        if (!Get(layer, DigestField, where, out var digestElement)
            || digestElement.ValueKind != JsonValueKind.String
            || !Digest.TryParse(digestElement.GetString(), out var digest))
        {
            throw new FormatException($"signature manifest layer {index} has no valid digest");
        }

        if (!Get(layer, Size, where, out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw new FormatException($"signature manifest layer {index} has no valid size");
        }

        string? signature = null, certificate = null, chain = null, bundle = null, timestamp = null;
        if (Get(layer, Annotations, where, out var annotations))
        {
            if (annotations.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"signature manifest layer {index} annotations are not an object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
            foreach (var annotation in annotations.EnumerateObject())
            {
                _ = JsonKey.Read(annotation, buffer);
                if (annotation.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"signature manifest layer {index} has an annotation that is not a string");
                }

                if (annotation.Name is CosignAnnotations.Signature or CosignAnnotations.Certificate or CosignAnnotations.Chain or CosignAnnotations.Bundle or CosignAnnotations.Rfc3161Timestamp
                    && !seen.Add(annotation.Name))
                {
                    throw new FormatException($"signature manifest layer {index} repeats annotation '{annotation.Name}'");
                }

                switch (annotation.Name)
                {
                    case CosignAnnotations.Signature:
                        signature = annotation.Value.GetString();
                        break;
                    case CosignAnnotations.Certificate:
                        certificate = NullIfEmpty(annotation.Value.GetString());
                        break;
                    case CosignAnnotations.Chain:
                        chain = NullIfEmpty(annotation.Value.GetString());
                        break;
                    case CosignAnnotations.Bundle:
                        bundle = NullIfEmpty(annotation.Value.GetString());
                        break;
                    case CosignAnnotations.Rfc3161Timestamp:
                        timestamp = NullIfEmpty(annotation.Value.GetString());
                        break;
                }
            }
        }

        return new SignatureLayer(index, digest, size, Value(signature), Value(certificate), Value(chain), Value(bundle), Value(timestamp));
    }

    private static bool Get(JsonElement owner, GoJsonFieldName field, string where, out JsonElement value)
    {
        try
        {
            return JsonFields.TryGet(owner, field, out value);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{where}: {e.Message}", e);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static AnnotationValue? Value(string? text) => text is null ? null : AnnotationValue.FromText(text);
}
