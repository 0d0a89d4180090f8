namespace ImageTrust.Hosting;

/// <summary>
/// A delivery that names its event (a CloudEvent id and source, or a push subscription) but cannot be processed, such as
/// message data that is not base64 or an envelope without a message ID. It is permanently bad input: the host acknowledges
/// it with an alert instead of having Pub/Sub redeliver it forever. Requests that are not events at all stay
/// <see cref="FormatException"/>s (400).
/// </summary>
internal sealed class MalformedDeliveryException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reasonCode">A stable reason code (see <see cref="DeliveryReasons"/>).</param>
    /// <param name="message">Why the delivery is unusable.</param>
    /// <param name="eventSource">The CloudEvent source, or the empty string when unknown.</param>
    /// <param name="eventId">The CloudEvent id, or the empty string when unknown.</param>
    /// <param name="messageId">The Pub/Sub message id, or the empty string when unknown.</param>
    /// <param name="innerException">The parse failure, or null.</param>
    public MalformedDeliveryException(string reasonCode, string message, string eventSource, string eventId, string messageId, Exception? innerException = null)
        : base(message, innerException)
    {
        ReasonCode = reasonCode;
        EventSource = eventSource;
        EventId = eventId;
        MessageId = messageId;
    }

    /// <summary>The stable reason code.</summary>
    public string ReasonCode { get; }

    /// <summary>The CloudEvent source, or the empty string.</summary>
    public string EventSource { get; }

    /// <summary>The CloudEvent id, or the empty string.</summary>
    public string EventId { get; }

    /// <summary>The Pub/Sub message id, or the empty string.</summary>
    public string MessageId { get; }
}
