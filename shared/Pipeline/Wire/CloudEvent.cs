using System.Text.Json.Serialization;

namespace ImageTrust.Pipeline.Wire;

/// <summary>A structured CloudEvent (JSON event format, spec 1.0): the data of every Pub/Sub message ImageTrust publishes.</summary>
/// <typeparam name="TData">The <c>data</c> of the event type.</typeparam>
internal sealed record CloudEvent<TData>
{
    /// <summary>The spec version, always <c>1.0</c>.</summary>
    [JsonPropertyName("specversion")]
    public string SpecVersion { get; } = "1.0";

    /// <summary>The event id (deterministic per cause, so consumers can deduplicate a re-publish).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The source, <see cref="ImageCloudEvents.SourcePrefix"/> followed by the repository or the function.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>The event type (see <see cref="Records.ImageEventTypes"/>).</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The image digest, or null (then absent) when the event concerns no image.</summary>
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; init; }

    /// <summary>When it happened, RFC 3339 UTC with six fractional digits.</summary>
    [JsonPropertyName("time")]
    public required string Time { get; init; }

    /// <summary>The data's media type, always <c>application/json</c>.</summary>
    [JsonPropertyName("datacontenttype")]
    public string DataContentType { get; } = "application/json";

    /// <summary>The event data.</summary>
    [JsonPropertyName("data")]
    public required TData Data { get; init; }
}
