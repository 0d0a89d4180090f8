using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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

    /// <summary>
    /// <paramref name="message"/> as published before issue 15 added the source project (an attribute, and the data's last
    /// property): subscribers of the original format see exactly that plus one field, so the original golden file still pins it.
    /// </summary>
    public static PubSubMessage WithoutSourceProject(PubSubMessage message)
    {
        Assert.True(message.Attributes.ContainsKey(SourceProject), "the message carries no source project to take out");
        var data = WithoutSourceProject(Encoding.UTF8.GetString(message.Data.Span));
        return PubSubMessage.Create(Encoding.UTF8.GetBytes(data), message.Attributes.Remove(SourceProject), message.OrderingKey);
    }

    /// <summary>A published event's JSON without its source project (the data's last property, as the code writes it).</summary>
    public static string WithoutSourceProject(string cloudEventJson)
    {
        var stripped = Regex.Replace(cloudEventJson, ",\"sourceProject\":\"[^\"]*\"}}$", "}}");
        Assert.NotEqual(cloudEventJson, stripped);
        return stripped;
    }

    private const string SourceProject = "sourceProject";

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
