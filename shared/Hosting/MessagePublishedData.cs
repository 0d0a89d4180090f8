using System.Globalization;
using System.Text.Json;

namespace ImageTrust.Hosting;

/// <summary>
/// The data of a <c>google.cloud.pubsub.topic.v1.messagePublished</c> event, which is also the body of a push request:
/// <c>{"message":{…},"subscription":"projects/P/subscriptions/S"}</c>.
/// </summary>
/// <param name="Message">The message (never null).</param>
/// <param name="Subscription">The full subscription name; null when absent.</param>
/// <param name="DeliveryAttempt">The delivery attempt a dead-letter policy counts; null when absent.</param>
internal sealed record MessagePublishedData(PubSubMessage Message, string? Subscription, int? DeliveryAttempt)
{
    /// <summary>
    /// Parses the JSON envelope tolerantly: camelCase or snake_case field names (<c>messageId</c>/<c>message_id</c>,
    /// <c>publishTime</c>/<c>publish_time</c>, <c>orderingKey</c>/<c>ordering_key</c>), an <c>@type</c> and unknown fields are
    /// ignored, a missing <c>data</c> is empty and a missing <c>publishTime</c> is null.
    /// </summary>
    /// <exception cref="FormatException">The JSON is malformed, <c>message</c> or its ID is missing, <c>data</c> is not base64,
    /// an attribute is not a string or the publish time is not RFC 3339.</exception>
    public static MessagePublishedData Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = ParseJson(utf8Json);
        return Parse(document.RootElement);
    }

    /// <summary>Parses an envelope's JSON (depth-bounded) without interpreting it; the caller disposes the document.</summary>
    /// <exception cref="FormatException">The JSON is malformed.</exception>
    public static JsonDocument ParseJson(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Pub/Sub envelope is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Parses an envelope already held as a JSON element (a structured-mode CloudEvent's <c>data</c>).</summary>
    /// <exception cref="FormatException">See <see cref="Parse(ReadOnlyMemory{byte})"/>.</exception>
    public static MessagePublishedData Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Pub/Sub envelope is not a JSON object.");
        }

        if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Pub/Sub envelope has no \"message\" object.");
        }

        var subscription = OptionalString(root, "subscription", null);
        int? deliveryAttempt = null;
        if (root.TryGetProperty("deliveryAttempt", out var attempt) || root.TryGetProperty("delivery_attempt", out attempt))
        {
            deliveryAttempt = attempt.ValueKind switch
            {
                JsonValueKind.Number when attempt.TryGetInt32(out var n) => n,
                JsonValueKind.Null => null,
                _ => throw new FormatException("Pub/Sub envelope's \"deliveryAttempt\" is not an integer."),
            };
        }

        return new MessagePublishedData(ParseMessage(message), subscription, deliveryAttempt);
    }

    private static PubSubMessage ParseMessage(JsonElement message)
    {
        var messageId = OptionalString(message, "messageId", "message_id");
        if (string.IsNullOrEmpty(messageId))
        {
            throw new FormatException("Pub/Sub message has no \"messageId\".");
        }

        byte[] data = [];
        if (message.TryGetProperty("data", out var dataElement) && dataElement.ValueKind != JsonValueKind.Null)
        {
            if (dataElement.ValueKind != JsonValueKind.String || !dataElement.TryGetBytesFromBase64(out data!))
            {
                throw new FormatException($"Pub/Sub message {messageId} has \"data\" that is not base64.");
            }
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message.TryGetProperty("attributes", out var attributesElement) && attributesElement.ValueKind != JsonValueKind.Null)
        {
            if (attributesElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"Pub/Sub message {messageId} has \"attributes\" that is not an object.");
            }

            foreach (var attribute in attributesElement.EnumerateObject())
            {
                if (attribute.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"Pub/Sub message {messageId} has attribute \"{attribute.Name}\" that is not a string.");
                }

                attributes[attribute.Name] = attribute.Value.GetString()!;
            }
        }

        var publishTimeText = OptionalString(message, "publishTime", "publish_time");
        DateTimeOffset? publishTime = publishTimeText is null ? null : ParseTimestamp(publishTimeText, messageId);
        var orderingKey = OptionalString(message, "orderingKey", "ordering_key");

        return new PubSubMessage(data, attributes, messageId, publishTime, string.IsNullOrEmpty(orderingKey) ? null : orderingKey);
    }

    private static string? OptionalString(JsonElement parent, string camelName, string? snakeName)
    {
        if (!parent.TryGetProperty(camelName, out var value) && (snakeName is null || !parent.TryGetProperty(snakeName, out value)))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"Pub/Sub field \"{camelName}\" is not a string."),
        };
    }

    /// <summary>Parses an RFC 3339 timestamp; Pub/Sub sends up to nanoseconds, .NET keeps 100 ns ticks, so extra digits are cut.</summary>
    internal static DateTimeOffset ParseTimestamp(string text, string messageId)
    {
        var normalized = text;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                normalized = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        if (normalized.Length < 20 || normalized[10] is not ('T' or 't')
            || !DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new FormatException($"Pub/Sub message {messageId} has a publish time \"{text}\" that is not RFC 3339.");
        }

        return time;
    }
}
