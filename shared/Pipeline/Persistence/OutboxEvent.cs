using ImageTrust.Pipeline.Wire;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>An event committed in the same write as the change that raised it, and not yet published.</summary>
/// <param name="Topic">The Pub/Sub topic id.</param>
/// <param name="Event">The CloudEvent as it will be published.</param>
/// <param name="CreatedAt">When it was committed.</param>
/// <param name="Claim">
/// The delivery that holds the right to publish it, or null when nobody does (given back after a failed publish, or
/// committed by older code).
/// </param>
internal sealed record OutboxEvent(string Topic, CloudEventMessage Event, DateTimeOffset CreatedAt, OutboxClaim? Claim = null)
{
    /// <summary>Whether a delivery holds it at <paramref name="now"/>, so no other may publish it.</summary>
    public bool IsHeldAt(DateTimeOffset now) => Claim?.Until > now;

    /// <summary>Whether <paramref name="claim"/> holds it.</summary>
    public bool IsHeldBy(OutboxClaim claim) => Claim?.Holder == claim.Holder;

    /// <summary>From when anyone may publish it: when its claim lapses, or since it was committed when unclaimed.</summary>
    public DateTimeOffset FreeFrom => Claim?.Until ?? CreatedAt;
}
