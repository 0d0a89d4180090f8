using ImageTrust.Pipeline.Wire;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>An event committed in the same write as the change that raised it, and not yet published.</summary>
/// <param name="Topic">The Pub/Sub topic id.</param>
/// <param name="Event">The CloudEvent as it will be published.</param>
/// <param name="CreatedAt">When it was committed.</param>
internal sealed record OutboxEvent(string Topic, CloudEventMessage Event, DateTimeOffset CreatedAt);
