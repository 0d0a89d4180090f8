using System.Text.Json;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;

namespace ImageTrust.Shared.Tests.Pipeline.Golden;

/// <summary>How a Firestore write and a published message are kept in a golden file.</summary>
internal static class GoldenRendering
{
    /// <summary>
    /// The document a write stores: its path, the fields the server sets to the commit time, and the typed-value
    /// <c>fields</c> JSON of the Firestore REST API.
    /// </summary>
    public static string Write(FirestoreWrite write) => GoldenFiles.Render(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("document", $"{write.Collection}/{write.DocumentId}");
        writer.WriteStartArray("serverTimestamps");
        foreach (var field in write.ServerTimestampFields)
        {
            writer.WriteStringValue(field);
        }

        writer.WriteEndArray();
        FirestoreValueCodec.WriteFields(writer, write.Fields);
        writer.WriteEndObject();
    });

    /// <summary>A Pub/Sub message as subscribers receive it: topic, attributes, ordering key, and the data (a structured CloudEvent).</summary>
    public static string Message(string topic, PubSubMessage message) => GoldenFiles.Render(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("topic", topic);
        writer.WriteStartObject("attributes");
        foreach (var (name, value) in message.Attributes)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        if (message.OrderingKey is { } orderingKey)
        {
            writer.WriteString("orderingKey", orderingKey);
        }
        else
        {
            writer.WriteNull("orderingKey");
        }

        writer.WritePropertyName("data");
        using var data = JsonDocument.Parse(message.Data);
        data.RootElement.WriteTo(writer);
        writer.WriteEndObject();
    });
}
