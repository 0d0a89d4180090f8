namespace ImageTrust.Hosting;

/// <summary>
/// The logging scope the host opens around each delivery; the Cloud Logging formatter lifts it into
/// <c>logging.googleapis.com/trace</c>, <c>logging.googleapis.com/spanId</c> and <c>eventId</c>.
/// </summary>
/// <param name="Trace">The request's trace; null when unknown.</param>
/// <param name="EventId">The CloudEvent ID; null until decoded.</param>
internal sealed record RequestLogScope(TraceContext? Trace, string? EventId)
{
    /// <inheritdoc/>
    public override string ToString() => $"trace={Trace?.TraceId ?? "-"} event={EventId ?? "-"}";
}
