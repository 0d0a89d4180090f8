namespace ImageTrust.Hosting;

/// <summary>A Pub/Sub message as delivered to a function.</summary>
/// <param name="Data">The payload (empty when the message carries only attributes).</param>
/// <param name="Attributes">The attributes (empty, never null).</param>
/// <param name="MessageId">The server-assigned ID, unique per topic (never empty).</param>
/// <param name="PublishTime">When the server received the publish; null when absent (the emulator's push omits it).</param>
/// <param name="OrderingKey">The ordering key; null when none.</param>
internal sealed record PubSubMessage(
    ReadOnlyMemory<byte> Data,
    IReadOnlyDictionary<string, string> Attributes,
    string MessageId,
    DateTimeOffset? PublishTime,
    string? OrderingKey);
