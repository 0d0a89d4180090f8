using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>Encodes and decodes Firestore REST <c>Value</c>, <c>fields</c> and <c>Document</c> JSON.</summary>
internal static class FirestoreValueCodec
{
    /// <summary>The deepest nesting of maps and arrays Firestore allows.</summary>
    public const int MaxDepth = 20;

    /// <summary>Writes one <c>Value</c> object.</summary>
    public static void WriteValue(Utf8JsonWriter writer, FirestoreValue value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        switch (value.Kind)
        {
            case FirestoreValueKind.Null:
                writer.WriteNull("nullValue");
                break;
            case FirestoreValueKind.Boolean:
                writer.WriteBoolean("booleanValue", value.AsBoolean());
                break;
            case FirestoreValueKind.Integer:
                writer.WriteString("integerValue", value.AsInteger().ToString(CultureInfo.InvariantCulture));
                break;
            case FirestoreValueKind.Double:
                var number = value.AsDouble();
                if (double.IsFinite(number))
                {
                    writer.WriteNumber("doubleValue", number);
                }
                else
                {
                    writer.WriteString("doubleValue", double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                }

                break;
            case FirestoreValueKind.Timestamp:
                writer.WriteString("timestampValue", FormatTimestamp(value.AsTimestamp()));
                break;
            case FirestoreValueKind.String:
                writer.WriteString("stringValue", value.AsString());
                break;
            case FirestoreValueKind.Bytes:
                writer.WriteBase64String("bytesValue", value.AsBytes().AsSpan());
                break;
            case FirestoreValueKind.Reference:
                writer.WriteString("referenceValue", value.AsReference());
                break;
            case FirestoreValueKind.Array:
                writer.WriteStartObject("arrayValue");
                writer.WriteStartArray("values");
                foreach (var item in value.AsArray())
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case FirestoreValueKind.Map:
                writer.WriteStartObject("mapValue");
                WriteFields(writer, value.AsMap());
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Kind, "unknown value kind");
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a <c>"fields": {…}</c> property.</summary>
    public static void WriteFields(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, FirestoreValue>> fields)
    {
        writer.WriteStartObject("fields");
        foreach (var (name, value) in fields)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads one <c>Value</c> object.</summary>
    /// <exception cref="FormatException">The JSON is not a Value this adapter understands, or is nested too deeply.</exception>
    public static FirestoreValue ReadValue(JsonElement element) => ReadValue(element, 0);

    /// <summary>Reads a <c>fields</c> object (a missing or null element is an empty map).</summary>
    /// <exception cref="FormatException">A value is malformed.</exception>
    public static ImmutableSortedDictionary<string, FirestoreValue> ReadFields(JsonElement element) => ReadFields(element, 0);

    /// <summary>Reads a <c>Document</c> object.</summary>
    /// <exception cref="FormatException">The JSON is not a document.</exception>
    public static FirestoreDocument ReadDocument(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("a Firestore document needs a name");
        }

        var fields = element.TryGetProperty("fields", out var f) ? ReadFields(f, 0) : ImmutableSortedDictionary<string, FirestoreValue>.Empty.WithComparers(StringComparer.Ordinal);
        var created = element.TryGetProperty("createTime", out var c) && c.ValueKind == JsonValueKind.String ? ParseTimestamp(c.GetString()!) : DateTimeOffset.MinValue;
        var updated = element.TryGetProperty("updateTime", out var u) && u.ValueKind == JsonValueKind.String ? ParseTimestamp(u.GetString()!) : created;
        return new FirestoreDocument(name.GetString()!, fields, created, updated);
    }

    /// <summary>Formats a timestamp as RFC 3339 UTC with exactly six fractional digits.</summary>
    public static string FormatTimestamp(DateTimeOffset value)
        => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an RFC 3339 timestamp with 0-9 fractional digits and a <c>Z</c> or numeric offset.</summary>
    /// <exception cref="FormatException">Not such a timestamp.</exception>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            // .NET parses at most seven fractional digits; Firestore may send nine.
            var digits = text[(dot + 1)..end];
            normalized = text[..(dot + 1)] + (digits.Length > 7 ? digits[..7] : digits) + text[end..];
        }

        if (!DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed) || !text.Contains('T', StringComparison.Ordinal))
        {
            throw new FormatException($"'{(text.Length > 40 ? text[..40] : text)}' is not an RFC 3339 timestamp");
        }

        return parsed.ToUniversalTime();
    }

    private static ImmutableSortedDictionary<string, FirestoreValue> ReadFields(JsonElement element, int depth)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, FirestoreValue>(StringComparer.Ordinal);
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return builder.ToImmutable();
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Firestore fields must be a JSON object");
        }

        foreach (var property in element.EnumerateObject())
        {
            builder[property.Name] = ReadValue(property.Value, depth);
        }

        return builder.ToImmutable();
    }

    private static FirestoreValue ReadValue(JsonElement element, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"Firestore value nested deeper than {MaxDepth}");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a Firestore value must be a JSON object");
        }

        foreach (var property in element.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "nullValue":
                    return FirestoreValue.Null;
                case "booleanValue":
                    return FirestoreValue.Boolean(v.ValueKind == JsonValueKind.True || (v.ValueKind != JsonValueKind.False ? throw new FormatException("booleanValue must be true or false") : false));
                case "integerValue":
                    return FirestoreValue.Integer(v.ValueKind == JsonValueKind.Number ? v.GetInt64() : long.Parse(v.GetString() ?? string.Empty, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
                case "doubleValue":
                    return FirestoreValue.Double(v.ValueKind == JsonValueKind.Number ? v.GetDouble() : v.GetString() switch
                    {
                        "NaN" => double.NaN,
                        "Infinity" => double.PositiveInfinity,
                        "-Infinity" => double.NegativeInfinity,
                        var other => double.Parse(other ?? string.Empty, NumberStyles.Float, CultureInfo.InvariantCulture),
                    });
                case "timestampValue":
                    return FirestoreValue.Timestamp(ParseTimestamp(v.GetString() ?? string.Empty));
                case "stringValue":
                    return FirestoreValue.String(v.GetString() ?? throw new FormatException("stringValue must be a string"));
                case "bytesValue":
                    return FirestoreValue.Bytes(v.GetBytesFromBase64());
                case "referenceValue":
                    return FirestoreValue.Reference(v.GetString() ?? throw new FormatException("referenceValue must be a string"));
                case "arrayValue":
                    var items = new List<FirestoreValue>();
                    if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in values.EnumerateArray())
                        {
                            items.Add(ReadValue(item, depth + 1));
                        }
                    }

                    return FirestoreValue.Array(items);
                case "mapValue":
                    return FirestoreValue.Map(v.ValueKind == JsonValueKind.Object && v.TryGetProperty("fields", out var fields) ? ReadFields(fields, depth + 1) : []);
                default:
                    continue;
            }
        }

        throw new FormatException("unsupported or empty Firestore value");
    }
}
