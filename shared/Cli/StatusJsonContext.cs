using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageTrust.Cli;

/// <summary>
/// Source-generated JSON for <c>status --output json</c>: as <see cref="CliJsonContext"/> prints, except that nulls are written,
/// so every property of a record is always present.
/// </summary>
[JsonSerializable(typeof(RecordStatusReport))]
[JsonSerializable(typeof(ImmutableArray<RecordStatusReport>))]
internal sealed partial class StatusJsonContext : JsonSerializerContext
{
    /// <summary>The context <c>status</c> prints with: camelCase, nulls written, indented, characters left readable.</summary>
    public static StatusJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
