using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ImageTrust.Pipeline.Wire;

/// <summary>
/// The <c>data</c> of an event about an image's record (<c>dev.imagetrust.image.quarantined.v1</c>,
/// <c>dev.imagetrust.image.verified.v1</c>, and <c>dev.imagetrust.alert.v1</c> raised by a record change): the record after the change.
/// </summary>
internal sealed record ImageEventData
{
    /// <summary><c>registry/repository@sha256:…</c>.</summary>
    [JsonPropertyName("image")]
    public required string Image { get; init; }

    /// <summary><c>registry/repository</c>.</summary>
    [JsonPropertyName("repository")]
    public required string Repository { get; init; }

    /// <summary>The manifest digest.</summary>
    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    /// <summary>The status after the change.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>The status before the change; null (written as null) for a new record.</summary>
    [JsonPropertyName("previousStatus")]
    public required string? PreviousStatus { get; init; }

    /// <summary>The event severity (also a message attribute).</summary>
    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    /// <summary>A one-line human summary.</summary>
    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    /// <summary>The reason codes of the status.</summary>
    [JsonPropertyName("reasons")]
    public required ImmutableArray<string> Reasons { get; init; }

    /// <summary>The policy rule applied, or null (written as null).</summary>
    [JsonPropertyName("policyRule")]
    public required string? PolicyRule { get; init; }

    /// <summary>The policy version applied, or null (written as null).</summary>
    [JsonPropertyName("policyVersion")]
    public required string? PolicyVersion { get; init; }

    /// <summary>The vulnerability summary, or null (then absent) before any scan result.</summary>
    [JsonPropertyName("vulnerabilities")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImageEventVulnerabilities? Vulnerabilities { get; init; }

    /// <summary>The Pub/Sub message that caused the change.</summary>
    [JsonPropertyName("messageId")]
    public required string MessageId { get; init; }

    /// <summary>
    /// The Google Cloud project the image lives in (<see cref="Records.ImageKey.SourceProject"/>), or null (then absent) for
    /// other registries. Added after the first subscribers (last, optional): the event type stays <c>….v1</c>.
    /// </summary>
    [JsonPropertyName("sourceProject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceProject { get; init; }
}
