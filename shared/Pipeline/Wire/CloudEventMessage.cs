using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Wire;

/// <summary>A CloudEvent ready to publish.</summary>
/// <param name="Id">The CloudEvent id.</param>
/// <param name="Type">The CloudEvent type.</param>
/// <param name="Json">The structured CloudEvent JSON, published as the message data.</param>
/// <param name="Attributes">The message attributes subscriptions filter on (<c>type</c>, <c>digest</c>, <c>repository</c>, <c>severity</c>, …).</param>
internal sealed record CloudEventMessage(string Id, string Type, string Json, ImmutableSortedDictionary<string, string> Attributes);
