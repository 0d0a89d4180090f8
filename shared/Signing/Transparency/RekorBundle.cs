using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Transparency;

/// <summary>
/// The Rekor proof cosign attaches to a classic signature (annotation <c>dev.sigstore.cosign/bundle</c>):
/// the signed entry timestamp over the canonical <c>{body, integratedTime, logID, logIndex}</c>.
/// </summary>
/// <param name="SignedEntryTimestamp">The SET signature bytes.</param>
/// <param name="Body">The entry body exactly as logged: its base64 text, UTF-8.</param>
/// <param name="IntegratedTime">Unix seconds at which the log integrated the entry.</param>
/// <param name="LogIndex">The entry's index in the log.</param>
/// <param name="LogId">The hex log id (SHA-256 of the log key's DER SPKI).</param>
internal sealed record RekorBundle(byte[] SignedEntryTimestamp, ReadOnlyMemory<byte> Body, long IntegratedTime, long LogIndex, string LogId)
{
    private const int MaxBundleChars = 1024 * 1024;
    private static readonly GoJsonFieldName[] RootFields = [GoJsonFieldName.Folded("SignedEntryTimestamp"), GoJsonFieldName.Folded("Payload")];
    private static readonly GoJsonFieldName[] PayloadFields = [GoJsonFieldName.Folded("body"), GoJsonFieldName.Folded("integratedTime"), GoJsonFieldName.Folded("logIndex"), GoJsonFieldName.Folded("logID")];
    private const string Lacks = "Rekor bundle lacks SignedEntryTimestamp or Payload{body, integratedTime, logIndex, logID}";

    /// <summary>The integrated time as an instant.</summary>
    public DateTimeOffset IntegratedAt => DateTimeOffset.FromUnixTimeSeconds(IntegratedTime);

    /// <summary>
    /// Decodes <see cref="Body"/> (base64; whitespace is ignored, as <see cref="Convert.FromBase64String"/> does) into a
    /// buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the caller returns. False (and nothing rented) when the
    /// body is not base64.
    /// </summary>
    public bool TryRentDecodedBody([NotNullWhen(true)] out byte[]? buffer, out int length)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(Body.Length, 1));
        buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Body.Length / 4 * 3 + 3, 1));
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(Body.Span, chars));
            if (Convert.TryFromBase64Chars(text, buffer, out length))
            {
                return true;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        ArrayPool<byte>.Shared.Return(buffer);
        buffer = null;
        length = 0;
        return false;
    }

    /// <summary>Parses the bundle JSON without throwing.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out RekorBundle? bundle, out string error)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(AnnotationValue.FromText(json), out bundle, out error);
    }

    /// <summary>
    /// Parses the annotation without throwing, reading it with <see cref="Utf8JsonReader"/> from a pooled buffer. Keys name
    /// fields as cosign's Go decoding matches them (<see cref="GoJsonFieldName"/>); a field named twice is malformed.
    /// </summary>
    public static bool TryParse(AnnotationValue annotation, [NotNullWhen(true)] out RekorBundle? bundle, out string error)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        bundle = null;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(annotation.MaxByteCount, 1));
        try
        {
            var json = buffer.AsSpan(0, annotation.CopyTo(buffer));
            if (json.Length > MaxBundleChars && Encoding.UTF8.GetCharCount(json) > MaxBundleChars)
            {
                error = "Rekor bundle is too large";
                return false;
            }

            return TryRead(json, annotation.RawToken, out bundle, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryRead(ReadOnlySpan<byte> json, ReadOnlyMemory<byte> annotationToken, [NotNullWhen(true)] out RekorBundle? bundle, out string error)
    {
        bundle = null;
        try
        {
            var fields = new Fields();
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                fields.RootIsObject = true;
                ReadRoot(ref reader, ref fields);
            }
            else
            {
                reader.Skip();
            }

            // Trailing content after the root value is invalid JSON (the reader throws).
            reader.Read();

            if (!fields.RootIsObject
                || fields.SignedEntryTimestamp is not { } set
                || !fields.PayloadIsObject
                || fields.Body is not { } body
                || fields.IntegratedTime is not { } integratedTime
                || fields.LogIndex is not { } logIndex
                || fields.LogId is not { } logId)
            {
                error = Lacks;
                return false;
            }

            if (integratedTime < 0 || logIndex < 0 || integratedTime > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                error = "Rekor bundle has a negative or out-of-range integratedTime or logIndex";
                return false;
            }

            var setReader = Token(json, set);
            if (!setReader.TryGetBytesFromBase64(out var setBytes))
            {
                error = "Rekor bundle SignedEntryTimestamp is not base64";
                return false;
            }

            var bodyReader = Token(json, body);
            var bodyText = bodyReader.ValueIsEscaped ? Encoding.UTF8.GetBytes(bodyReader.GetString()!) : Find(annotationToken, bodyReader.ValueSpan);
            bundle = new RekorBundle(setBytes, bodyText, integratedTime, logIndex, Token(json, logId).GetString()!);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = $"Rekor bundle is not valid JSON: {e.Message}";
            return false;
        }
        catch (FormatException e)
        {
            error = $"Rekor bundle is malformed: {e.Message}";
            return false;
        }
    }

    private static void ReadRoot(ref Utf8JsonReader reader, ref Fields fields)
    {
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        while (JsonKey.NextField(ref reader, buffer, RootFields, ref seen, out var field))
        {
            if (field == 0)
            {
                fields.SignedEntryTimestamp = StringToken(ref reader);
            }
            else if (field == 1)
            {
                fields.PayloadIsObject = reader.TokenType == JsonTokenType.StartObject;
                if (fields.PayloadIsObject)
                {
                    ReadPayload(ref reader, ref fields);
                    continue;
                }
            }

            reader.Skip();
        }
    }

    private static void ReadPayload(ref Utf8JsonReader reader, ref Fields fields)
    {
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        while (JsonKey.NextField(ref reader, buffer, PayloadFields, ref seen, out var field))
        {
            switch (field)
            {
                case 0:
                    fields.Body = StringToken(ref reader);
                    break;
                case 1:
                    fields.IntegratedTime = Int64(ref reader);
                    break;
                case 2:
                    fields.LogIndex = Int64(ref reader);
                    break;
                case 3:
                    fields.LogId = StringToken(ref reader);
                    break;
            }

            reader.Skip();
        }
    }

    private static Range? StringToken(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        var start = checked((int)reader.TokenStartIndex);
        return new Range(start, start + reader.ValueSpan.Length + 2);
    }

    private static long? Int64(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;

    /// <summary>
    /// The body text as a slice of the manifest when the annotation holds it verbatim (base64 needs no JSON escaping, so it
    /// does in practice): the same bytes, not copied. Otherwise a copy.
    /// </summary>
    private static ReadOnlyMemory<byte> Find(ReadOnlyMemory<byte> annotationToken, ReadOnlySpan<byte> text)
    {
        var at = annotationToken.Span.IndexOf(text);
        return at >= 0 ? annotationToken.Slice(at, text.Length) : text.ToArray();
    }

    private static Utf8JsonReader Token(ReadOnlySpan<byte> json, Range token)
    {
        var reader = new Utf8JsonReader(json[token]);
        reader.Read();
        return reader;
    }

    private struct Fields
    {
        public bool RootIsObject { get; set; }
        public Range? SignedEntryTimestamp { get; set; }
        public bool PayloadIsObject { get; set; }
        public Range? Body { get; set; }
        public long? IntegratedTime { get; set; }
        public long? LogIndex { get; set; }
        public Range? LogId { get; set; }
    }
}
