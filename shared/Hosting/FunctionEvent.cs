using CloudNative.CloudEvents;

namespace ImageTrust.Hosting;

/// <summary>A decoded delivery: the CloudEvent (received or synthesized from a raw push) and its Pub/Sub data.</summary>
internal sealed record FunctionEvent(CloudEvent CloudEvent, MessagePublishedData Data);
