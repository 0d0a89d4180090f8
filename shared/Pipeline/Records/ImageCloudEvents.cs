using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.GoogleCloud.Firestore;

namespace ImageTrust.Pipeline.Records;

/// <summary>Builds the structured CloudEvents (JSON, spec 1.0) ImageTrust publishes, and their Pub/Sub attributes.</summary>
internal static class ImageCloudEvents
{
    /// <summary>The CloudEvent <c>source</c> prefix.</summary>
    public const string SourcePrefix = "//imagetrust/";

    /// <summary>A deterministic event id for the <paramref name="index"/>-th event caused by <paramref name="messageId"/> on <paramref name="key"/>.</summary>
    public static string EventId(ImageKey key, string messageId, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key.ToDocumentId()}\n{messageId}\n{index}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Builds the outbox entry for <paramref name="imageEvent"/> about <paramref name="record"/> (after the change).</summary>
    public static OutboxEvent Build(string eventId, string topic, ImageEvent imageEvent, ImageRecord record, ImageStatus? previousStatus, string messageId, DateTimeOffset time)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", eventId);
            writer.WriteString("source", SourcePrefix + record.Key.Repository);
            writer.WriteString("type", imageEvent.Type);
            writer.WriteString("subject", record.Key.Digest.ToString());
            writer.WriteString("time", FirestoreValueCodec.FormatTimestamp(time));
            writer.WriteString("datacontenttype", "application/json");
            writer.WriteStartObject("data");
            writer.WriteString("image", record.Key.ToString());
            writer.WriteString("repository", record.Key.Repository);
            writer.WriteString("digest", record.Key.Digest.ToString());
            writer.WriteString("status", record.Status.ToWire());
            if (previousStatus is { } previous)
            {
                writer.WriteString("previousStatus", previous.ToWire());
            }
            else
            {
                writer.WriteNull("previousStatus");
            }

            writer.WriteString("severity", imageEvent.Severity);
            writer.WriteString("summary", imageEvent.Summary);
            writer.WriteStartArray("reasons");
            foreach (var reason in record.Reasons)
            {
                writer.WriteStringValue(reason);
            }

            writer.WriteEndArray();
            WriteNullable(writer, "policyRule", record.PolicyRule);
            WriteNullable(writer, "policyVersion", record.PolicyVersion);
            if (record.Vulnerabilities is { } v)
            {
                writer.WriteStartObject("vulnerabilities");
                writer.WriteNumber("critical", v.Critical);
                writer.WriteNumber("high", v.High);
                writer.WriteNumber("medium", v.Medium);
                writer.WriteNumber("low", v.Low);
                writer.WriteNumber("minimal", v.Minimal);
                writer.WriteStartArray("blockingCves");
                foreach (var cve in v.BlockingCves)
                {
                    writer.WriteStringValue(cve);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteString("messageId", messageId);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var attributes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["type"] = imageEvent.Type,
            ["digest"] = record.Key.Digest.ToString(),
            ["repository"] = record.Key.Repository,
            ["severity"] = imageEvent.Severity,
        });
        return new OutboxEvent(eventId, topic, imageEvent.Type, Encoding.UTF8.GetString(buffer.WrittenSpan), attributes, time);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
