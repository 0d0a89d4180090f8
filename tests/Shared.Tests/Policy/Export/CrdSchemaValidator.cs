using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace ImageTrust.Shared.Tests.Policy.Export;

/// <summary>
/// Validates Kubernetes resources against a CustomResourceDefinition's <c>openAPIV3Schema</c> (the copies in Crds/, see
/// SOURCES.txt), translated into JSON Schema 2020-12 the way the API server applies it:
/// <list type="bullet">
/// <item><c>nullable: true</c> adds <c>null</c> to the type; <c>x-kubernetes-int-or-string</c> is integer or string;</item>
/// <item><c>x-kubernetes-preserve-unknown-fields</c> keeps unknown fields; every other object with <c>properties</c> gets
/// <c>additionalProperties: false</c>, because the API server prunes unknown fields silently and a dropped field would weaken
/// a policy unseen;</item>
/// <item><c>x-kubernetes-list-type: set</c> requires unique items; descriptions, defaults and formats are annotations;</item>
/// <item><c>apiVersion</c>, <c>kind</c> and <c>metadata</c> are allowed at the root (the API server handles them), and the
/// document must name the CRD's group, a served version and its kind.</item>
/// </list>
/// </summary>
internal sealed class CrdSchemaValidator
{
    private static readonly string[] Dropped = ["description", "default", "format", "example", "x-kubernetes-map-type", "x-kubernetes-list-map-keys", "x-kubernetes-embedded-resource"];

    private readonly string _group;
    private readonly string _kind;
    private readonly Dictionary<string, JsonSchema> _versions = new(StringComparer.Ordinal);

    private CrdSchemaValidator(string group, string kind)
    {
        _group = group;
        _kind = kind;
    }

    public static CrdSchemaValidator Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Policy", "Export", "Crds", fileName);
        var crd = YamlToJson(File.ReadAllText(path))!.AsObject();
        var spec = crd["spec"]!.AsObject();
        var validator = new CrdSchemaValidator(spec["group"]!.GetValue<string>(), spec["names"]!["kind"]!.GetValue<string>());
        foreach (var version in spec["versions"]!.AsArray())
        {
            if (version!["served"]?.GetValue<bool>() != true)
            {
                continue;
            }

            var schema = Translate(version["schema"]!["openAPIV3Schema"]!.AsObject());
            var properties = schema["properties"]!.AsObject();
            properties.TryAdd("apiVersion", new JsonObject { ["type"] = "string" });
            properties.TryAdd("kind", new JsonObject { ["type"] = "string" });
            properties.TryAdd("metadata", new JsonObject { ["type"] = "object" });
            schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            validator._versions[version["name"]!.GetValue<string>()] = JsonSchema.FromText(schema.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }

        return validator;
    }

    /// <summary>The problems of <paramref name="document"/>: empty when it is a valid resource of this CRD.</summary>
    public IReadOnlyList<string> Validate(JsonObject document)
    {
        var problems = new List<string>();
        var apiVersion = document["apiVersion"]?.GetValue<string>() ?? string.Empty;
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || apiVersion[..slash] != _group || !_versions.TryGetValue(apiVersion[(slash + 1)..], out var schema))
        {
            return [$"apiVersion '{apiVersion}' is not a served version of {_group}"];
        }

        if (document["kind"]?.GetValue<string>() != _kind)
        {
            problems.Add($"kind is not {_kind}");
        }

        var name = document["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$") || name.Length > 253)
        {
            problems.Add($"metadata.name '{name}' is not a DNS-1123 subdomain");
        }

        using var json = JsonDocument.Parse(document.ToJsonString());
        var results = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            foreach (var detail in (results.Details ?? []).Prepend(results))
            {
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                {
                    problems.Add($"{detail.InstanceLocation} ({keyword}): {message}");
                }
            }

            if (problems.Count == 0)
            {
                problems.Add("invalid (no detail)");
            }
        }

        return problems;
    }

    /// <summary>YAML (one document) as a JSON tree: plain scalars read as YAML 1.2 core types, quoted ones as strings.</summary>
    public static JsonNode? YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);
    }

    /// <summary>Every document of a multi-document YAML stream.</summary>
    public static IReadOnlyList<JsonObject> YamlDocuments(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(document => Convert(document.RootNode)!.AsObject())];
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value!, Convert(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "null" or "~" or "" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && value.Any(char.IsAsciiDigit) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }

    private static JsonObject Translate(JsonObject openApi)
    {
        var schema = new JsonObject();
        var preserve = openApi["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        foreach (var (key, value) in openApi)
        {
            switch (key)
            {
                case "properties":
                    schema["properties"] = new JsonObject(value!.AsObject().Select(property => KeyValuePair.Create(property.Key, (JsonNode?)Translate(property.Value!.AsObject()))));
                    break;
                case "items" or "additionalProperties" when value is JsonObject child:
                    schema[key] = Translate(child);
                    break;
                case "oneOf" or "anyOf" or "allOf":
                    schema[key] = new JsonArray([.. value!.AsArray().Select(branch => (JsonNode?)Translate(branch!.AsObject()))]);
                    break;
                case "not":
                    schema[key] = Translate(value!.AsObject());
                    break;
                case "nullable" or "x-kubernetes-preserve-unknown-fields" or "x-kubernetes-int-or-string" or "x-kubernetes-list-type":
                    break;
                default:
                    if (!Dropped.Contains(key))
                    {
                        schema[key] = value?.DeepClone();
                    }

                    break;
            }
        }

        if (openApi["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            schema["type"] = new JsonArray("integer", "string");
        }

        if (openApi["nullable"]?.GetValue<bool>() == true && schema["type"] is JsonValue type)
        {
            schema["type"] = new JsonArray(type.GetValue<string>(), "null");
        }

        if (openApi["x-kubernetes-list-type"]?.GetValue<string>() == "set")
        {
            schema["uniqueItems"] = true;
        }

        if (!preserve && openApi.ContainsKey("properties") && !openApi.ContainsKey("additionalProperties"))
        {
            schema["additionalProperties"] = false;
        }

        return schema;
    }
}
