using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace ImageTrust.Signing.Json;

/// <summary>
/// Field and map lookups in a <see cref="JsonElement"/> object of signed JSON, with <see cref="GoJsonFieldName"/>'s rules:
/// every key of the object is checked, and a field named by two keys, or by a conflicting spelling, is an error rather
/// than a first- or last-wins reading.
/// </summary>
internal static class JsonFields
{
    /// <summary>The value of <paramref name="field"/> in <paramref name="owner"/>; false when absent or when the owner is not an object.</summary>
    /// <exception cref="FormatException">Two keys name the field, a key is a conflicting spelling of it, or a key is not valid text.</exception>
    public static bool TryGet(JsonElement owner, GoJsonFieldName field, out JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(field);
        value = default;
        if (owner.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var found = false;
        foreach (var property in owner.EnumerateObject())
        {
            var key = JsonKey.Read(property, buffer);
            switch (field.Match(key))
            {
                case KeyMatch.Field when found:
                    throw new FormatException(JsonKey.RepeatedMessage(field.Name));
                case KeyMatch.Field:
                    found = true;
                    value = property.Value;
                    break;
                case KeyMatch.Conflict:
                    throw new FormatException(JsonKey.ConflictMessage(key, field.Name));
            }
        }

        return found;
    }

    /// <summary>
    /// The value of a protobuf-JSON field (Sigstore bundles, trusted roots) in <paramref name="owner"/>: read under its JSON
    /// name <paramref name="jsonName"/> (lowerCamelCase) only. protojson also accepts the proto field name (snake_case) and
    /// refuses a field given twice; ImageTrust refuses the proto name, any Go fold of the JSON name, and a field given twice.
    /// </summary>
    /// <exception cref="FormatException">The field is named twice or by another spelling, or a key is not valid text.</exception>
    public static bool TryGetProto(JsonElement owner, string jsonName, out JsonElement value) =>
        TryGet(owner, ProtoFields.GetOrAdd(jsonName, static name => GoJsonFieldName.Exact(name, SnakeCase(name))), out value);

    /// <summary>
    /// The value under the exact key <paramref name="key"/> of a JSON map (Go <c>map[string]…</c>, protobuf <c>map</c>): keys
    /// match exactly, and a key given twice (Go keeps the last, protojson refuses) is an error.
    /// </summary>
    /// <exception cref="FormatException">The key appears twice, or a key of the map is not valid text.</exception>
    public static bool TryGetMapValue(JsonElement map, string key, out JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(key);
        value = default;
        if (map.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        expected = expected[..Encoding.UTF8.GetBytes(key, expected)];
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var found = false;
        foreach (var property in map.EnumerateObject())
        {
            if (!JsonKey.Read(property, buffer).SequenceEqual(expected))
            {
                continue;
            }

            if (found)
            {
                throw new FormatException($"map key '{key}' appears more than once");
            }

            found = true;
            value = property.Value;
        }

        return found;
    }

    /// <summary>The proto field name protoc derives <paramref name="jsonName"/> from, e.g. <c>x509CertificateChain</c> from <c>x509_certificate_chain</c>.</summary>
    private static string? SnakeCase(string jsonName)
    {
        var snake = new StringBuilder(jsonName.Length + 4);
        foreach (var c in jsonName)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                snake.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                snake.Append(c);
            }
        }

        var result = snake.ToString();
        return result == jsonName ? null : result;
    }

    private static readonly ConcurrentDictionary<string, GoJsonFieldName> ProtoFields = new(StringComparer.Ordinal);
}
