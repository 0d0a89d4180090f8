using System.Text;
using System.Text.Json.Nodes;

namespace ImageTrust.Policy;

/// <summary>
/// A policy file read from YAML into a JSON tree, with the line of every node, so schema and semantic errors can name
/// both the path (<c>rules[0].threshold</c>) and the line.
/// </summary>
internal sealed class PolicyDocument
{
    private readonly IReadOnlyDictionary<string, long> _lines;

    /// <summary>Creates a document; <paramref name="lines"/> maps RFC 6901 JSON pointers to 1-based lines.</summary>
    public PolicyDocument(string sourceName, JsonNode? root, IReadOnlyDictionary<string, long> lines)
    {
        SourceName = sourceName;
        Root = root;
        _lines = lines;
    }

    /// <summary>The file name used in messages, e.g. <c>policy.yaml</c>.</summary>
    public string SourceName { get; }

    /// <summary>The document's content; null for an empty document.</summary>
    public JsonNode? Root { get; }

    /// <summary>The line of the node at <paramref name="pointer"/>, or of its nearest ancestor that has one (1 for the root).</summary>
    public long LineOf(string pointer)
    {
        var current = pointer;
        while (true)
        {
            if (_lines.TryGetValue(current, out var line))
            {
                return line;
            }

            if (current.Length == 0)
            {
                return 1;
            }

            current = current[..current.LastIndexOf('/')];
        }
    }

    /// <summary>
    /// A readable path for a JSON pointer: <c>/rules/0/threshold</c> becomes <c>rules[0].threshold</c>; the root is <c>(root)</c>.
    /// </summary>
    public string DisplayPath(string pointer)
    {
        if (pointer.Length == 0)
        {
            return "(root)";
        }

        var builder = new StringBuilder();
        var node = Root;
        foreach (var rawSegment in pointer[1..].Split('/'))
        {
            var segment = rawSegment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node is JsonArray array && int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                builder.Append('[').Append(segment).Append(']');
                node = index < array.Count ? array[index] : null;
            }
            else
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(segment);
                node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
            }
        }

        return builder.ToString();
    }

    /// <summary>A configuration error located at <paramref name="pointer"/>: <c>policy.yaml:12: rules[0].threshold: message</c>.</summary>
    public ConfigurationError ErrorAt(string pointer, string message)
        => new(SourceName, LineOf(pointer), DisplayPath(pointer), message);

    /// <summary>Appends one segment to a JSON pointer, escaping it per RFC 6901.</summary>
    public static string Child(string pointer, string segment)
        => pointer + "/" + segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Appends an array index to a JSON pointer.</summary>
    public static string Child(string pointer, int index)
        => pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
