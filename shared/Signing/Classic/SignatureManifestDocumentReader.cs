using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The <see cref="JsonDocument"/> reading of a signature manifest, which defines what <see cref="SignatureManifest.Parse(ReadOnlyMemory{byte}, string)"/>
/// accepts. The single-pass reader gives the same answers for every manifest except those with a JSON escape that is not
/// valid UTF-16 (a lone surrogate) in a name or compared value, where the answer depends on which comparisons
/// JsonDocument makes in which order; those rare, malformed manifests are read here instead.
/// </summary>
internal static class SignatureManifestDocumentReader
{
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
                || !root.TryGetProperty("layers", out var layers)
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

                if (!(layer.TryGetProperty("mediaType", out var mediaType)
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
        if (!layer.TryGetProperty("digest", out var digestElement)
            || digestElement.ValueKind != JsonValueKind.String
            || !Digest.TryParse(digestElement.GetString(), out var digest))
        {
            throw new FormatException($"signature manifest layer {index} has no valid digest");
        }

        if (!layer.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw new FormatException($"signature manifest layer {index} has no valid size");
        }

        string? signature = null, certificate = null, chain = null, bundle = null, timestamp = null;
        if (layer.TryGetProperty("annotations", out var annotations))
        {
            if (annotations.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"signature manifest layer {index} annotations are not an object");
            }

            foreach (var annotation in annotations.EnumerateObject())
            {
                if (annotation.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static AnnotationValue? Value(string? text) => text is null ? null : AnnotationValue.FromText(text);
}
