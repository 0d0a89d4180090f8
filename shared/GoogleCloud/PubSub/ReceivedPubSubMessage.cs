namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>A message pulled from a subscription.</summary>
/// <param name="AckId">The id to acknowledge it with.</param>
/// <param name="MessageId">The server-assigned message id.</param>
/// <param name="Message">The data, attributes and ordering key.</param>
/// <param name="PublishTime">When it was published, or null if absent.</param>
/// <param name="DeliveryAttempt">The delivery attempt (only with a dead-letter policy), or 0.</param>
internal sealed record ReceivedPubSubMessage(string AckId, string MessageId, PubSubMessage Message, DateTimeOffset? PublishTime, int DeliveryAttempt);
