using System.Text.Json;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.TestSupport.PubSub;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>What the store tests read back from a pull subscription.</summary>
internal static class PublishedEvents
{
    /// <summary>The CloudEvent id in a message's data.</summary>
    public static string CloudEventId(ReceivedPubSubMessage message)
    {
        using var json = JsonDocument.Parse(message.Message.Data);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Everything <paramref name="subscription"/> delivers over three pulls 100 ms apart, acknowledged.</summary>
    public static async Task<List<ReceivedPubSubMessage>> PullAllAsync(PubSubAdmin admin, string subscription)
    {
        var received = new List<ReceivedPubSubMessage>();
        for (var i = 0; i < 3; i++)
        {
            var batch = await admin.PullAsync(subscription, 100);
            received.AddRange(batch);
            await admin.AcknowledgeAsync(subscription, batch.Select(b => b.AckId).ToList());
            await Task.Delay(100);
        }

        return received;
    }
}
