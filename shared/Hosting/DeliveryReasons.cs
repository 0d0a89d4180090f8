namespace ImageTrust.Hosting;

/// <summary>Reason codes of deliveries the host acknowledges without calling the function (each is alerted).</summary>
internal static class DeliveryReasons
{
    /// <summary>The event's Pub/Sub envelope is malformed (not base64 data, no message or message ID, wrong field types).</summary>
    public const string MalformedDelivery = "MALFORMED_DELIVERY";

    /// <summary>The event is a CloudEvent of a type the function does not handle.</summary>
    public const string UnexpectedEventType = "UNEXPECTED_EVENT_TYPE";

    /// <summary>The request body exceeds the host's bound.</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
}
