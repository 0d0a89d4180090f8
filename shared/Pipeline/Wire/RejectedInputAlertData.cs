using System.Text.Json.Serialization;

namespace ImageTrust.Pipeline.Wire;

/// <summary>The <c>data</c> of the <c>dev.imagetrust.alert.v1</c> raised for a delivery acknowledged as permanently bad input.</summary>
internal sealed record RejectedInputAlertData
{
    /// <summary>The event severity (also a message attribute).</summary>
    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    /// <summary>The stable reason the input was rejected for (also a message attribute).</summary>
    [JsonPropertyName("reasonCode")]
    public required string ReasonCode { get; init; }

    /// <summary>A one-line human summary.</summary>
    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    /// <summary>What was wrong, at most 2,000 characters.</summary>
    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    /// <summary>The function that rejected it.</summary>
    [JsonPropertyName("function")]
    public required string Function { get; init; }

    /// <summary>The CloudEvent source of the rejected delivery.</summary>
    [JsonPropertyName("eventSource")]
    public required string EventSource { get; init; }

    /// <summary>The CloudEvent id of the rejected delivery (empty when it had none).</summary>
    [JsonPropertyName("eventId")]
    public required string EventId { get; init; }

    /// <summary>The Pub/Sub message id of the rejected delivery (empty when it had none).</summary>
    [JsonPropertyName("messageId")]
    public required string MessageId { get; init; }

    /// <summary>
    /// The project of the topic the rejected delivery came from, when its source names one
    /// (<c>//pubsub.googleapis.com/projects/P/topics/T</c>); null (then absent) otherwise, e.g. for a direct push subscription,
    /// whose envelope names only the subscription. Added after the first subscribers (last, optional).
    /// </summary>
    [JsonPropertyName("sourceProject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceProject { get; init; }
}
