using CloudNative.CloudEvents;

namespace ImageTrust.Hosting;

/// <summary>
/// A function triggered by a Pub/Sub message, delivered by Eventarc (binary or structured CloudEvent) or by a direct push
/// subscription. One class per function; its dependencies come in through the constructor (resolved per request).
/// </summary>
internal interface IPubSubFunction
{
    /// <summary>
    /// Handles one delivery. Returning normally acknowledges it. Throw <see cref="Model.PermanentInputException"/> for input that
    /// will never succeed (acknowledged, logged and alerted), <see cref="Model.TransientFailureException"/> to have it redelivered;
    /// anything else is answered 500 (also redelivered).
    /// </summary>
    /// <param name="cloudEvent">The event's attributes (never null; its <c>Data</c> is <paramref name="data"/>).</param>
    /// <param name="data">The decoded Pub/Sub message (never null).</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up or the host stops.</param>
    Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken);
}
