using System.Text.Json;
using ImageTrust.GoogleCloud.Firestore;

namespace ImageTrust.Pipeline.Records;

/// <summary>The JSON form of a record for <c>imagetrust status --output json</c> (outbox payloads omitted, only their count).</summary>
internal static class ImageRecordJson
{
    /// <summary>Writes <paramref name="record"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, ImageRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteStartObject();
        writer.WriteString("image", record.Key.ToString());
        writer.WriteString("repository", record.Key.Repository);
        writer.WriteString("digest", record.Key.Digest.ToString());
        writer.WriteString("status", record.Status.ToWire());
        WriteStrings(writer, "reasons", record.Reasons);
        writer.WriteStartArray("signers");
        foreach (var signer in record.Signers)
        {
            writer.WriteStartObject();
            writer.WriteString("identity", signer.Identity);
            WriteNullable(writer, "issuer", signer.Issuer);
            WriteNullable(writer, "keyId", signer.KeyId);
            if (signer.TlogIndex is { } index)
            {
                writer.WriteNumber("tlogIndex", index);
            }
            else
            {
                writer.WriteNull("tlogIndex");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (record.Vulnerabilities is { } v)
        {
            writer.WriteStartObject("vulnerabilities");
            writer.WriteNumber("critical", v.Critical);
            writer.WriteNumber("high", v.High);
            writer.WriteNumber("medium", v.Medium);
            writer.WriteNumber("low", v.Low);
            writer.WriteNumber("minimal", v.Minimal);
            WriteStrings(writer, "blockingCves", v.BlockingCves);
            writer.WriteString("evaluatedAt", FirestoreValueCodec.FormatTimestamp(v.EvaluatedAt));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("vulnerabilities");
        }

        WriteNullable(writer, "scanStatus", record.ScanStatus);
        WriteNullable(writer, "policyRule", record.PolicyRule);
        WriteNullable(writer, "policyVersion", record.PolicyVersion);
        writer.WriteString("firstSeen", FirestoreValueCodec.FormatTimestamp(record.FirstSeen));
        WriteNullable(writer, "lastVerified", record.LastVerified is { } lv ? FirestoreValueCodec.FormatTimestamp(lv) : null);
        WriteNullable(writer, "updated", record.Updated is { } u ? FirestoreValueCodec.FormatTimestamp(u) : null);
        writer.WriteStartArray("history");
        foreach (var transition in record.History)
        {
            writer.WriteStartObject();
            WriteNullable(writer, "from", transition.From?.ToWire());
            writer.WriteString("to", transition.To.ToWire());
            writer.WriteString("at", FirestoreValueCodec.FormatTimestamp(transition.At));
            writer.WriteString("messageId", transition.MessageId);
            WriteStrings(writer, "reasons", transition.Reasons);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("pendingEvents", record.Outbox.Length);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
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
