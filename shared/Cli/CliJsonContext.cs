using System.Text.Json.Serialization;

namespace ImageTrust.Cli;

/// <summary>Source-generated JSON for every document the CLI prints (no reflection, so the CLI can publish as Native AOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(VerificationReport))]
[JsonSerializable(typeof(PolicyValidationReport))]
[JsonSerializable(typeof(BundleReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
