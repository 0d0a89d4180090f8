using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageTrust.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ImageTrust.Policy;

/// <summary>
/// Reads one YAML document into a JSON tree with line numbers, streaming parser events so that nesting, size and node count
/// stay bounded whatever the input. Scalars are typed by the YAML 1.2 core schema (so <c>10m</c> and <c>2027-01-01</c> stay
/// strings). Anchors, aliases, duplicate keys, non-scalar keys and custom tags are refused: a trust policy should say
/// everything explicitly.
/// </summary>
internal static partial class PolicyYamlReader
{
    /// <summary>The largest policy file accepted, in characters.</summary>
    public const int MaxLength = 1024 * 1024;

    private const int MaxDepth = 64;
    private const int MaxNodes = 200_000;
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>Reads <paramref name="text"/>.</summary>
    /// <exception cref="ConfigurationException">The text is not a single well-formed YAML document within the bounds.</exception>
    public static PolicyDocument Read(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ConfigurationException($"{sourceName}:1: (root): policy file is larger than {MaxLength / 1024} KiB");
        }

        var builder = new TreeBuilder(sourceName);
        var parser = new Parser(new StringReader(text));
        while (MoveNext(parser, builder, sourceName))
        {
            builder.Accept(parser.Current!);
        }

        return builder.Build();
    }

    private static bool MoveNext(Parser parser, TreeBuilder builder, string sourceName)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{sourceName}:{e.Start.Line}: (yaml): {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // The parser has a few internal failures on malformed input that are not YamlExceptions; they are still bad input.
            throw new ConfigurationException($"{sourceName}:{builder.LastLine}: (yaml): malformed YAML after this line", e);
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }

    private static JsonNode? ConvertScalar(Scalar scalar, Func<string, ConfigurationException> fail)
    {
        var tag = scalar.Tag;
        if (!tag.IsEmpty && !tag.IsNonSpecific)
        {
            var name = tag.Value.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag.Value[CoreTagPrefix.Length..] : null;
            return name switch
            {
                "str" => JsonValue.Create(scalar.Value),
                "null" or "bool" or "int" or "float" => ResolvePlain(scalar.Value) ?? (name == "null" ? null : throw fail($"'{Shorten(scalar.Value)}' is not a valid !!{name}")),
                _ => throw fail($"YAML tag '{Shorten(tag.Value)}' is not supported"),
            };
        }

        if (scalar.Style != ScalarStyle.Plain || tag.IsNonSpecific)
        {
            return JsonValue.Create(scalar.Value);
        }

        return ResolvePlain(scalar.Value) ?? (NullPattern().IsMatch(scalar.Value) ? null : JsonValue.Create(scalar.Value));
    }

    private static JsonNode? ResolvePlain(string value)
    {
        if (value is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (value is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(value))
        {
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return JsonValue.Create(integer);
            }

            return decimal.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big) ? JsonValue.Create(big) : null;
        }

        if (value.StartsWith("0x", StringComparison.Ordinal) && value.Length > 2
            && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex >= 0)
        {
            return JsonValue.Create(hex);
        }

        if (FloatPattern().IsMatch(value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"\A(null|Null|NULL|~)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NullPattern();

    [GeneratedRegex(@"\A[-+]?[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"\A[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    /// <summary>Builds the tree from parser events with an explicit stack (no recursion, so no stack overflow on deep input).</summary>
    private sealed class TreeBuilder
    {
        private readonly string _sourceName;
        private readonly Stack<Frame> _frames = new();
        private readonly Dictionary<string, long> _lines = new(StringComparer.Ordinal);
        private JsonNode? _root;
        private bool _hasRoot;
        private int _documents;
        private int _nodes;

        public TreeBuilder(string sourceName)
        {
            _sourceName = sourceName;
        }

        /// <summary>The line of the last event accepted (1 before any).</summary>
        public long LastLine { get; private set; } = 1;

        public void Accept(ParsingEvent parsingEvent)
        {
            var line = parsingEvent.Start.Line;
            LastLine = Math.Max(line, 1);
            switch (parsingEvent)
            {
                case DocumentStart when ++_documents > 1:
                    throw Fail(line, "a policy file holds exactly one YAML document");
                case AnchorAlias:
                    throw Fail(line, "YAML aliases are not supported; write the value out");
                case Scalar scalar when _frames.TryPeek(out var frame) && frame.Node is JsonObject && frame.PendingKey is null:
                    AcceptKey(frame, scalar, line);
                    break;
                case Scalar scalar:
                    Attach(ConvertScalar(scalar, message => Fail(line, message)), line);
                    break;
                case MappingStart:
                    Open(new JsonObject(), line);
                    break;
                case SequenceStart:
                    Open(new JsonArray(), line);
                    break;
                case MappingEnd or SequenceEnd:
                    _frames.Pop();
                    break;
                default:
                    break;
            }
        }

        public PolicyDocument Build() => new(_sourceName, _root, _lines);

        private void AcceptKey(Frame frame, Scalar scalar, long line)
        {
            if (!scalar.Tag.IsEmpty && scalar.Tag.Value != CoreTagPrefix + "str")
            {
                throw Fail(line, $"mapping key tag '{Shorten(scalar.Tag.Value)}' is not supported");
            }

            var obj = (JsonObject)frame.Node;
            if (obj.ContainsKey(scalar.Value))
            {
                throw Fail(line, $"duplicate key '{Shorten(scalar.Value)}' in {DisplayOf(frame.Pointer)}");
            }

            frame.PendingKey = scalar.Value;
            frame.PendingKeyLine = line;
        }

        private void Open(JsonNode container, long line)
        {
            if (_frames.TryPeek(out var parent) && parent.Node is JsonObject && parent.PendingKey is null)
            {
                throw Fail(line, "mapping keys must be plain strings");
            }

            if (_frames.Count >= MaxDepth)
            {
                throw Fail(line, $"nesting is deeper than {MaxDepth} levels");
            }

            var pointer = Attach(container, line);
            _frames.Push(new Frame(container, pointer));
        }

        private string Attach(JsonNode? value, long line)
        {
            if (++_nodes > MaxNodes)
            {
                throw Fail(line, $"more than {MaxNodes} YAML nodes");
            }

            if (!_frames.TryPeek(out var frame))
            {
                if (_hasRoot)
                {
                    throw Fail(line, "a policy file holds exactly one YAML document");
                }

                _hasRoot = true;
                _root = value;
                _lines[string.Empty] = line;
                return string.Empty;
            }

            string pointer;
            if (frame.Node is JsonArray array)
            {
                pointer = PolicyDocument.Child(frame.Pointer, array.Count);
                array.Add(value);
                _lines[pointer] = line;
            }
            else
            {
                var key = frame.PendingKey!;
                pointer = PolicyDocument.Child(frame.Pointer, key);
                ((JsonObject)frame.Node)[key] = value;
                _lines[pointer] = frame.PendingKeyLine;
                frame.PendingKey = null;
            }

            return pointer;
        }

        private string DisplayOf(string pointer) => new PolicyDocument(_sourceName, _root, _lines).DisplayPath(pointer);

        private ConfigurationException Fail(long line, string message)
        {
            var path = _frames.TryPeek(out var frame) ? DisplayOf(frame.Pointer) : "(root)";
            return new ConfigurationException($"{_sourceName}:{line}: {path}: {message}");
        }
    }

    private sealed class Frame
    {
        public Frame(JsonNode node, string pointer)
        {
            Node = node;
            Pointer = pointer;
        }

        public JsonNode Node { get; }

        public string Pointer { get; }

        public string? PendingKey { get; set; }

        public long PendingKeyLine { get; set; }
    }
}
