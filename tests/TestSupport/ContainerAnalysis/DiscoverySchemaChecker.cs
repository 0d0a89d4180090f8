using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageTrust.TestSupport.ContainerAnalysis;

/// <summary>
/// Checks JSON against a schema of a Google API discovery document: every property must be declared, have the declared type
/// (int64 as a JSON string, google-datetime as RFC 3339), and enum values must be listed. Discovery schemas are not JSON Schema,
/// so this small checker reads them directly.
/// </summary>
internal sealed class DiscoverySchemaChecker
{
    private readonly JsonObject _schemas;

    private DiscoverySchemaChecker(JsonObject schemas)
    {
        _schemas = schemas;
    }

    /// <summary>Loads a discovery document.</summary>
    public static DiscoverySchemaChecker Load(string path)
    {
        var document = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty");
        return new DiscoverySchemaChecker(document["schemas"]?.AsObject() ?? throw new InvalidDataException($"{path} has no schemas"));
    }

    /// <summary>Whether the document declares <paramref name="schemaName"/>.</summary>
    public bool HasSchema(string schemaName) => _schemas.ContainsKey(schemaName);

    /// <summary>The enum values of a property of a schema (empty when it has none).</summary>
    public IReadOnlyList<string> EnumValues(string schemaName, string property)
        => _schemas[schemaName]?["properties"]?[property]?["enum"]?.AsArray().Select(v => v!.GetValue<string>()).ToList() ?? [];

    /// <summary>Checks <paramref name="json"/> against <paramref name="schemaName"/>; returns the problems found (empty when valid).</summary>
    /// <param name="json">The JSON to check.</param>
    /// <param name="schemaName">The schema, e.g. <c>Occurrence</c>.</param>
    /// <param name="required">Top-level properties that must be present (discovery documents rarely mark them).</param>
    public IReadOnlyList<string> Check(JsonNode? json, string schemaName, params string[] required)
    {
        var errors = new List<string>();
        if (json is JsonObject root)
        {
            foreach (var name in required.Where(name => !root.ContainsKey(name)))
            {
                errors.Add($"$.{name}: required property is missing");
            }
        }

        CheckRef(json, schemaName, "$", errors, 0);
        return errors;
    }

    private void CheckRef(JsonNode? json, string schemaName, string path, List<string> errors, int depth)
    {
        if (!_schemas.TryGetPropertyValue(schemaName, out var schema) || schema is null)
        {
            errors.Add($"{path}: schema {schemaName} is not in the discovery document");
            return;
        }

        CheckSchema(json, schema.AsObject(), path, errors, depth);
    }

    private void CheckSchema(JsonNode? json, JsonObject schema, string path, List<string> errors, int depth)
    {
        if (depth > 40)
        {
            errors.Add($"{path}: nested too deeply");
            return;
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            CheckRef(json, reference, path, errors, depth + 1);
            return;
        }

        if (json is null)
        {
            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var format = schema["format"]?.GetValue<string>();
        switch (type)
        {
            case "object":
                if (json is not JsonObject obj)
                {
                    errors.Add($"{path}: expected an object");
                    return;
                }

                var properties = schema["properties"]?.AsObject();
                var additional = schema["additionalProperties"]?.AsObject();
                foreach (var (name, value) in obj)
                {
                    if (properties is not null && properties.TryGetPropertyValue(name, out var propertySchema) && propertySchema is not null)
                    {
                        CheckSchema(value, propertySchema.AsObject(), $"{path}.{name}", errors, depth + 1);
                    }
                    else if (additional is not null)
                    {
                        CheckSchema(value, additional, $"{path}.{name}", errors, depth + 1);
                    }
                    else
                    {
                        errors.Add($"{path}.{name}: property is not declared by the schema");
                    }
                }

                break;
            case "array":
                if (json is not JsonArray array)
                {
                    errors.Add($"{path}: expected an array");
                    return;
                }

                var items = schema["items"]?.AsObject();
                for (var i = 0; i < array.Count; i++)
                {
                    if (items is not null)
                    {
                        CheckSchema(array[i], items, $"{path}[{i}]", errors, depth + 1);
                    }
                }

                break;
            case "string":
                if (json.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{path}: expected a string{(format is null ? string.Empty : $" ({format})")}");
                    return;
                }

                var text = json.GetValue<string>();
                if (schema["enum"] is JsonArray values && !values.Any(v => v?.GetValue<string>() == text))
                {
                    errors.Add($"{path}: '{text}' is not one of the enum values");
                }

                if (format is "int64" or "uint64" && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{path}: '{text}' is not an {format} string");
                }

                if (format == "google-datetime" && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    errors.Add($"{path}: '{text}' is not an RFC 3339 time");
                }

                break;
            case "integer":
                if (json.GetValueKind() != JsonValueKind.Number || !json.AsValue().TryGetValue<long>(out _))
                {
                    errors.Add($"{path}: expected an integer");
                }

                break;
            case "number":
                if (json.GetValueKind() != JsonValueKind.Number)
                {
                    errors.Add($"{path}: expected a number");
                }

                break;
            case "boolean":
                if (json.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected a boolean");
                }

                break;
            default:
                // "any" and untyped schemas accept everything.
                break;
        }
    }
}
