using System.Text.Json;
using Json.Schema;
using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>The trust policy's JSON Schema (<c>policy.schema.json</c>, embedded in the assembly) and validation against it.</summary>
internal static class PolicySchema
{
    /// <summary>The manifest resource name of the schema.</summary>
    public const string ResourceName = "ImageTrust.Policy.policy.schema.json";

    private const int MaxReportedErrors = 10;

    private static readonly Lazy<JsonSchema> Schema = new(Build);

    /// <summary>The schema text as shipped.</summary>
    public static string Text
    {
        get
        {
            using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Validates <paramref name="document"/> against the schema.</summary>
    /// <exception cref="ConfigurationException">The document does not conform; the message names each path and line.</exception>
    public static void Validate(PolicyDocument document)
    {
        if (document.Root is null)
        {
            throw new ConfigurationException($"{document.SourceName}:1: (root): the policy file is empty");
        }

        using var json = JsonDocument.Parse(document.Root.ToJsonString());
        var results = Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        var errors = Collect(results, document);
        throw new ConfigurationException(errors.Count == 0
            ? $"{document.SourceName}:1: (root): does not match the policy schema"
            : string.Join(Environment.NewLine, errors.Take(MaxReportedErrors)));
    }

    private static List<ConfigurationError> Collect(EvaluationResults results, PolicyDocument document)
    {
        var errors = new List<ConfigurationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var detail in (results.Details ?? []).Prepend(results))
        {
            if (detail.Errors is null)
            {
                continue;
            }

            foreach (var (keyword, message) in detail.Errors)
            {
                // anyOf/oneOf only summarise their branches' errors, which are listed themselves.
                if (keyword is "anyOf" or "oneOf" or "$ref" or "allOf" or "items" or "properties")
                {
                    continue;
                }

                var error = document.ErrorAt(detail.InstanceLocation.ToString(), Describe(keyword, message));
                if (seen.Add(error.ToString()))
                {
                    errors.Add(error);
                }
            }
        }

        return errors.OrderBy(error => error.Line).ToList();
    }

    private static string Describe(string keyword, string message) => keyword switch
    {
        "additionalProperties" or "false" or "$false" => "is not a known property",
        _ when message.Contains("false schema", StringComparison.Ordinal) => "is not a known property",
        _ => message,
    };

    private static JsonSchema Build()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.FromText(Text, options);
    }
}
