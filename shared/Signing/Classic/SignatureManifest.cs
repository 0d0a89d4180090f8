using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>A parsed classic <c>sha256-…sig</c> manifest: its simple-signing layers (other layers are ignored and counted).</summary>
/// <param name="Layers">The simple-signing layers, in manifest order.</param>
/// <param name="IgnoredLayers">How many layers had another media type.</param>
/// <remarks>
/// Read in one pass with <see cref="Utf8JsonReader"/>; annotation values stay slices of the manifest bytes
/// (<see cref="AnnotationValue"/>). The whole document must be valid JSON (depth ≤ 16). Keys name fields as Go's
/// encoding/json (go-containerregistry, which cosign uses) matches them (<see cref="GoJsonFieldName"/>), and annotations are
/// a map (exact keys); a field or annotation ImageTrust reads that is named twice makes the manifest malformed rather than
/// read first- or last-wins. Errors come in order: invalid JSON, a bad key at the root, no <c>layers</c> array, too many
/// layers, then the first malformed layer.
/// </remarks>
internal sealed record SignatureManifest(IReadOnlyList<SignatureLayer> Layers, int IgnoredLayers)
{
    /// <summary>The most layers a signature manifest may have.</summary>
    public const int MaxLayers = 256;

    private static readonly GoJsonFieldName[] RootFields = [GoJsonFieldName.Folded("layers")];
    private static readonly GoJsonFieldName[] LayerFields = [GoJsonFieldName.Folded("mediaType"), GoJsonFieldName.Folded("digest"), GoJsonFieldName.Folded("size"), GoJsonFieldName.Folded("annotations")];

    /// <summary>Parses the manifest JSON.</summary>
    /// <param name="content">The manifest bytes; the layers keep slices of them, so they must not change afterwards.</param>
    /// <exception cref="FormatException">The manifest is not valid JSON, has no <c>layers</c> array, or a layer is malformed.</exception>
    public static SignatureManifest Parse(ReadOnlyMemory<byte> content) => Parse(content, CosignMediaTypes.SimpleSigning);

    /// <summary>Parses the manifest JSON, keeping the layers of <paramref name="layerMediaType"/> (e.g. DSSE envelopes of a <c>.att</c> manifest).</summary>
    /// <param name="content">The manifest bytes; the layers keep slices of them, so they must not change afterwards.</param>
    /// <param name="layerMediaType">The media type of the layers to keep.</param>
    /// <exception cref="FormatException">The manifest is not valid JSON, has no <c>layers</c> array, or a layer is malformed.</exception>
    public static SignatureManifest Parse(ReadOnlyMemory<byte> content, string layerMediaType)
    {
        var layers = new LayersScan();
        try
        {
            ReadDocument(content, layerMediaType, ref layers);
        }
        catch (UncomparableTextException)
        {
            return SignatureManifestDocumentReader.Parse(content, layerMediaType);
        }

        if (layers.RootError is { } rootError)
        {
            throw rootError;
        }

        if (!layers.IsArray)
        {
            throw new FormatException("signature manifest has no 'layers' array");
        }

        if (layers.Count > MaxLayers)
        {
            throw new FormatException($"signature manifest has more than {MaxLayers} layers");
        }

        if (layers.Error is { } error)
        {
            throw error;
        }

        return new SignatureManifest(layers.Result ?? [], layers.Ignored);
    }

    private static void ReadDocument(ReadOnlyMemory<byte> content, string layerMediaType, ref LayersScan layers)
    {
        try
        {
            var reader = new Utf8JsonReader(content.Span, new JsonReaderOptions { MaxDepth = 16 });
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                ReadRoot(ref reader, content, layerMediaType, ref layers);
            }
            else
            {
                reader.Skip();
            }

            // Trailing content after the root value is invalid JSON (the reader throws).
            reader.Read();
        }
        catch (JsonException e)
        {
            throw new FormatException($"signature manifest is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether the current string equals <paramref name="text"/>. An escape that is not valid UTF-16 hands the manifest to
    /// <see cref="SignatureManifestDocumentReader"/> (see there).
    /// </summary>
    private static bool TextEquals(ref Utf8JsonReader reader, string text)
    {
        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException e)
        {
            throw new UncomparableTextException(e);
        }
    }

    private static void ReadRoot(ref Utf8JsonReader reader, ReadOnlyMemory<byte> content, string layerMediaType, ref LayersScan layers)
    {
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isLayers = false;
            try
            {
                if (JsonKey.Find(JsonKey.Read(ref reader, buffer), RootFields) == 0)
                {
                    JsonKey.MarkSeen(ref seen, 0, RootFields);
                    isLayers = true;
                }
            }
            catch (FormatException e)
            {
                layers.RootError ??= new FormatException($"signature manifest: {e.Message}", e);
            }

            reader.Read();
            if (!isLayers || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            layers.IsArray = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = layers.Count++;
                if (layers.Count > MaxLayers || layers.Error is not null)
                {
                    // Only the count and the JSON's validity can still change the outcome.
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    layers.Error = new FormatException($"signature manifest layer {index} is not an object");
                    reader.Skip();
                    continue;
                }

                ReadLayer(ref reader, content, layerMediaType, index, ref layers);
            }
        }
    }

    private static void ReadLayer(ref Utf8JsonReader reader, ReadOnlyMemory<byte> content, string layerMediaType, int index, ref LayersScan layers)
    {
        var mediaTypeMatches = false;
        ReadOnlyMemory<byte>? digest = null;
        long? size = null;
        ReadOnlyMemory<byte>? annotations = null;
        var hasAnnotations = false;
        FormatException? keyError = null;
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field.Other;
            try
            {
                var found = JsonKey.Find(JsonKey.Read(ref reader, buffer), LayerFields);
                if (found >= 0)
                {
                    JsonKey.MarkSeen(ref seen, found, LayerFields);
                    field = (Field)(found + 1);
                }
            }
            catch (FormatException e)
            {
                keyError ??= new FormatException($"signature manifest layer {index}: {e.Message}", e);
            }

            reader.Read();
            var start = checked((int)reader.TokenStartIndex);
            switch (field)
            {
                case Field.MediaType:
                    mediaTypeMatches = reader.TokenType == JsonTokenType.String && TextEquals(ref reader, layerMediaType);
                    break;
                case Field.Digest:
                    digest = reader.TokenType == JsonTokenType.String ? content.Slice(start, reader.ValueSpan.Length + 2) : default(ReadOnlyMemory<byte>?);
                    break;
                case Field.Size:
                    size = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;
                    break;
                case Field.Annotations:
                    hasAnnotations = true;
                    annotations = reader.TokenType == JsonTokenType.StartObject ? content[start..] : default(ReadOnlyMemory<byte>?);
                    break;
            }

            if (field == Field.Annotations && annotations is { } open)
            {
                reader.Skip();
                annotations = open[..checked((int)(reader.TokenStartIndex - start + 1))];
            }
            else
            {
                reader.Skip();
            }
        }

        if (keyError is not null)
        {
            layers.Error = keyError;
            return;
        }

        if (!mediaTypeMatches)
        {
            layers.Ignored++;
            return;
        }

        try
        {
            (layers.Result ??= []).Add(ToLayer(index, digest, size, hasAnnotations, annotations));
        }
        catch (FormatException e)
        {
            layers.Error = e;
        }
        catch (InvalidOperationException e)
        {
            layers.Error = new FormatException($"signature manifest has an invalid string: {e.Message}", e);
        }
    }

    private static SignatureLayer ToLayer(int index, ReadOnlyMemory<byte>? digestToken, long? size, bool hasAnnotations, ReadOnlyMemory<byte>? annotationsObject)
    {
        if (digestToken is not { } token || !Digest.TryParse(Decode(token), out var digest))
        {
            throw new FormatException($"signature manifest layer {index} has no valid digest");
        }

        if (size is not { } payloadSize || payloadSize < 0)
        {
            throw new FormatException($"signature manifest layer {index} has no valid size");
        }

        AnnotationValue? signature = null, certificate = null, chain = null, bundle = null, timestamp = null;
        if (hasAnnotations)
        {
            if (annotationsObject is not { } objectBytes)
            {
                throw new FormatException($"signature manifest layer {index} annotations are not an object");
            }

            var reader = new Utf8JsonReader(objectBytes.Span);
            reader.Read();
            Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // A map: keys match exactly; Go keeps the last of two, ImageTrust refuses them.
                var key = JsonKey.Read(ref reader, buffer);
                var annotation = Annotation.Other;
                for (var i = 0; i < AnnotationKeys.Length; i++)
                {
                    if (key.SequenceEqual(AnnotationKeys[i]))
                    {
                        annotation = (Annotation)(i + 1);
                        if ((seen & (1 << i)) != 0)
                        {
                            throw new FormatException($"signature manifest layer {index} repeats annotation '{System.Text.Encoding.UTF8.GetString(key)}'");
                        }

                        seen |= 1 << i;
                        break;
                    }
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    // Go fails to decode anything but a string into the map[string]string.
                    throw new FormatException($"signature manifest layer {index} has an annotation that is not a string");
                }

                if (annotation == Annotation.Other)
                {
                    continue;
                }

                var value = AnnotationValue.FromToken(objectBytes, ref reader);
                switch (annotation)
                {
                    case Annotation.Signature:
                        signature = value;
                        break;
                    case Annotation.Certificate:
                        certificate = NullIfEmpty(value);
                        break;
                    case Annotation.Chain:
                        chain = NullIfEmpty(value);
                        break;
                    case Annotation.Bundle:
                        bundle = NullIfEmpty(value);
                        break;
                    case Annotation.Timestamp:
                        timestamp = NullIfEmpty(value);
                        break;
                }
            }
        }

        return new SignatureLayer(index, digest, payloadSize, signature, certificate, chain, bundle, timestamp);
    }

    private static string? Decode(ReadOnlyMemory<byte> token)
    {
        var reader = new Utf8JsonReader(token.Span);
        reader.Read();
        return reader.GetString();
    }

    private static AnnotationValue? NullIfEmpty(AnnotationValue value) => value.IsEmpty ? null : value;

    private enum Field
    {
        Other,
        MediaType,
        Digest,
        Size,
        Annotations,
    }

    private static readonly byte[][] AnnotationKeys =
    [
        System.Text.Encoding.UTF8.GetBytes(CosignAnnotations.Signature),
        System.Text.Encoding.UTF8.GetBytes(CosignAnnotations.Certificate),
        System.Text.Encoding.UTF8.GetBytes(CosignAnnotations.Chain),
        System.Text.Encoding.UTF8.GetBytes(CosignAnnotations.Bundle),
        System.Text.Encoding.UTF8.GetBytes(CosignAnnotations.Rfc3161Timestamp),
    ];

    private enum Annotation
    {
        Other,
        Signature,
        Certificate,
        Chain,
        Bundle,
        Timestamp,
    }

    private sealed class UncomparableTextException(Exception inner) : Exception(inner.Message, inner);

    private struct LayersScan
    {
        public bool IsArray { get; set; }
        public int Count { get; set; }
        public int Ignored { get; set; }
        public List<SignatureLayer>? Result { get; set; }
        public FormatException? Error { get; set; }
        public FormatException? RootError { get; set; }
    }
}
