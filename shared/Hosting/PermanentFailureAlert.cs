namespace ImageTrust.Hosting;

/// <summary>What the host knows about a delivery it acknowledged because its input is permanently bad.</summary>
/// <param name="ReasonCode">The stable reason from <see cref="Model.PermanentInputException.ReasonCode"/>.</param>
/// <param name="Detail">The exception's human message.</param>
/// <param name="FunctionName">The function that rejected the input.</param>
/// <param name="EventSource">The CloudEvent source.</param>
/// <param name="EventId">The CloudEvent ID.</param>
/// <param name="MessageId">The Pub/Sub message ID.</param>
/// <param name="Attributes">The Pub/Sub message attributes (never null).</param>
internal sealed record PermanentFailureAlert(
    string ReasonCode,
    string Detail,
    string FunctionName,
    string EventSource,
    string EventId,
    string MessageId,
    IReadOnlyDictionary<string, string> Attributes);
