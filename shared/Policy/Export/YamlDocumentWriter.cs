using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageTrust.Policy.Export;

/// <summary>
/// Writes JSON trees as block-style YAML documents. Every string is double-quoted with JSON's escapes (a YAML double-quoted
/// scalar reads them the same), except multi-line printable ASCII text (PEM), which is a literal block; so no value can be
/// read back as another type or break out of its place. No reflection, so it runs in the Native AOT CLI.
/// </summary>
internal static class YamlDocumentWriter
{
    /// <summary>The documents, each starting with <c>---</c>, with optional comment lines before the first.</summary>
    public static string Write(IEnumerable<JsonObject> documents, IEnumerable<string> headerComments)
    {
        var builder = new StringBuilder();
        foreach (var comment in headerComments)
        {
            builder.Append("# ").Append(comment).Append('\n');
        }

        foreach (var document in documents)
        {
            builder.Append("---\n");
            WriteMapping(builder, document, 0);
        }

        return builder.ToString();
    }

    private static void WriteMapping(StringBuilder builder, JsonObject mapping, int indent)
    {
        foreach (var (key, value) in mapping)
        {
            builder.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValue(builder, value, indent);
        }
    }

    private static void WriteValue(StringBuilder builder, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                builder.Append(" {}\n");
                break;
            case JsonObject child:
                builder.Append('\n');
                WriteMapping(builder, child, indent + 2);
                break;
            case JsonArray { Count: 0 }:
                builder.Append(" []\n");
                break;
            case JsonArray items:
                builder.Append('\n');
                foreach (var item in items)
                {
                    builder.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 } itemMapping)
                    {
                        // "- key: value" with the rest of the mapping aligned under the first key.
                        var nested = new StringBuilder();
                        WriteMapping(nested, itemMapping, indent + 2);
                        builder.Append(' ').Append(nested.ToString().AsSpan(indent + 2));
                    }
                    else
                    {
                        WriteValue(builder, item, indent);
                    }
                }

                break;
            default:
                builder.Append(' ').Append(Scalar(value, indent)).Append('\n');
                break;
        }
    }

    private static string Scalar(JsonNode? value, int indent)
    {
        if (value is null)
        {
            return "null";
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number:
                return value.ToJsonString();
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                return IsBlockText(text) ? Block(text, indent) : Quote(text);
            default:
                throw new InvalidOperationException($"unexpected scalar {value.GetValueKind()}");
        }
    }

    // Multi-line printable ASCII ending in at most one newline, with no blank-led or blank-ended line: a literal block keeps
    // it byte for byte (clip for one final newline, strip for none).
    private static bool IsBlockText(string text) => text.Contains('\n', StringComparison.Ordinal)
        && !text.EndsWith("\n\n", StringComparison.Ordinal)
        && text.All(c => c == '\n' || c is >= ' ' and < '\u007F')
        && text.TrimEnd('\n').Split('\n').All(line => line.Length > 0 && !line.StartsWith(' ') && !line.EndsWith(' '));

    private static string Block(string text, int indent)
    {
        var pad = new string(' ', indent + 2);
        var lines = text.TrimEnd('\n').Split('\n').Select(line => pad + line);
        return (text.EndsWith('\n') ? "|" : "|-") + "\n" + string.Join("\n", lines);
    }

    // A key that can't read as anything but that string (a name such as apiVersion or imagetrust.dev/rule) stays plain.
    private static string Key(string key) => key.Length > 0 && char.IsAsciiLetter(key[0])
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '-' or '_')
        && key.ToLowerInvariant() is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "y" or "n")
            ? key
            : Quote(key);

    /// <summary>A double-quoted scalar with JSON's escapes (valid YAML), non-ASCII and controls as <c>\u</c> escapes.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                default:
                    if (c is < ' ' or >= '\u007F')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
