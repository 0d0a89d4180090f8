using ImageTrust.Pipeline.Wire;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>An event committed in the same write as the change that raised it, and not yet published.</summary>
/// <param name="Topic">The Pub/Sub topic id.</param>
/// <param name="Event">The CloudEvent as it will be published.</param>
/// <param name="CreatedAt">When it was committed.</param>
/// <param name="ClaimedUntil">
/// Until when one delivery holds the right to publish it (see <see cref="ImageDocumentClaims"/>), or null when nobody does
/// (released after a failed publish, or committed by older code).
/// </param>
internal sealed record OutboxEvent(string Topic, CloudEventMessage Event, DateTimeOffset CreatedAt, DateTimeOffset? ClaimedUntil = null)
{
    /// <summary>Whether a delivery holds it at <paramref name="now"/>, so no other may publish it.</summary>
    public bool IsHeldAt(DateTimeOffset now) => ClaimedUntil > now;

    /// <summary>From when anyone may publish it: when its claim lapses, or since it was committed when unclaimed.</summary>
    public DateTimeOffset FreeFrom => ClaimedUntil ?? CreatedAt;
}
