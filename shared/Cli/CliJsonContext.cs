using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageTrust.Cli;

/// <summary>Source-generated JSON for every document the CLI prints (no reflection, so the CLI can publish as Native AOT).</summary>
[JsonSerializable(typeof(VerificationReport))]
[JsonSerializable(typeof(PolicyValidationReport))]
[JsonSerializable(typeof(BundleReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the CLI prints with: camelCase, nulls omitted, indented, and characters such as <c>'</c> and <c>+</c> left
    /// readable (the output is for terminals, files and jq, never embedded in HTML).
    /// </summary>
    public static CliJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
