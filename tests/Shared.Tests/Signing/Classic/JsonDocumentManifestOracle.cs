using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Signing.Classic;

/// <summary>
/// The signature-manifest reading as it was done with <see cref="JsonDocument"/> (before the single-pass reader), kept as the
/// oracle of a differential test: the new reader must accept, reject and report exactly as this one does.
/// </summary>
internal static class JsonDocumentManifestOracle
{
    /// <summary>The layers as text (index, digest, size, annotations), or the FormatException's message prefixed "error:".</summary>
    public static string Describe(ReadOnlyMemory<byte> content)
    {
        try
        {
            return Parse(content);
        }
        catch (FormatException e)
        {
            return "error:" + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "error:" + $"signature manifest has an invalid string: {e.Message}";
        }
    }

    /// <summary>The same description of <see cref="SignatureManifest"/>'s result.</summary>
    public static string Describe(SignatureManifest manifest)
    {
        var lines = new List<string> { $"ignored={manifest.IgnoredLayers}" };
        foreach (var layer in manifest.Layers)
        {
            lines.Add(Line(layer.Index, layer.PayloadDigest, layer.PayloadSize, layer.Signature?.ToString(), layer.Certificate?.ToString(), layer.Chain?.ToString(), layer.Bundle?.ToString(), layer.Rfc3161Timestamp?.ToString()));
        }

        return string.Join("\n", lines);
    }

    private static string Line(int index, Digest digest, long size, string? signature, string? certificate, string? chain, string? bundle, string? timestamp) =>
        $"{index}|{digest}|{size}|{signature ?? "<null>"}|{certificate ?? "<null>"}|{chain ?? "<null>"}|{bundle ?? "<null>"}|{timestamp ?? "<null>"}";

    private static string Parse(ReadOnlyMemory<byte> content)
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
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("signature manifest has no 'layers' array");
            }

            if (layers.GetArrayLength() > SignatureManifest.MaxLayers)
            {
                throw new FormatException($"signature manifest has more than {SignatureManifest.MaxLayers} layers");
            }

            var lines = new List<string>();
            var ignored = 0;
            var index = 0;
            foreach (var layer in layers.EnumerateArray())
            {
                if (layer.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"signature manifest layer {index} is not an object");
                }

                if (!(layer.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String && mediaType.ValueEquals(CosignMediaTypes.SimpleSigning)))
                {
                    ignored++;
                    index++;
                    continue;
                }

                lines.Add(ParseLayer(layer, index));
                index++;
            }

            lines.Insert(0, $"ignored={ignored}");
            return string.Join("\n", lines);
        }
    }

    private static string ParseLayer(JsonElement layer, int index)
    {
        if (!layer.TryGetProperty("digest", out var digestElement) || digestElement.ValueKind != JsonValueKind.String || !Digest.TryParse(digestElement.GetString(), out var digest))
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

        return Line(index, digest, size, signature, certificate, chain, bundle, timestamp);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
