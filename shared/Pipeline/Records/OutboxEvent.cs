using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Records;

/// <summary>An event written in the same commit as the status change and not yet published.</summary>
/// <param name="EventId">The CloudEvent id (deterministic, so consumers can deduplicate a re-publish).</param>
/// <param name="Topic">The Pub/Sub topic id.</param>
/// <param name="Type">The CloudEvent type.</param>
/// <param name="Payload">The structured CloudEvent JSON published as the message data.</param>
/// <param name="Attributes">The message attributes (<c>type</c>, <c>digest</c>, <c>repository</c>, <c>severity</c>).</param>
/// <param name="CreatedAt">When it was enqueued.</param>
internal sealed record OutboxEvent(string EventId, string Topic, string Type, string Payload, ImmutableSortedDictionary<string, string> Attributes, DateTimeOffset CreatedAt);
