using System.Text.Json.Serialization;

namespace ImageTrust.Pipeline.Wire;

/// <summary>
/// Source-generated JSON for the events ImageTrust publishes (no reflection, so the functions can publish as Native AOT). Compact,
/// with the default escaping; which properties are written as null or left out is declared on each property.
/// </summary>
[JsonSerializable(typeof(CloudEvent<ImageEventData>))]
[JsonSerializable(typeof(CloudEvent<RejectedInputAlertData>))]
internal sealed partial class CloudEventJsonContext : JsonSerializerContext
{
}
