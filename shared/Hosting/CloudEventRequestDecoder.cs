using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Hosting;

/// <summary>
/// Turns an HTTP request (headers and a body already read within its bound) into a <see cref="FunctionEvent"/>.
/// Three shapes are accepted: binary content mode (<c>ce-*</c> headers, the Pub/Sub envelope as body; what Eventarc sends),
/// structured mode (<c>application/cloudevents+json</c> with the envelope as <c>data</c>), and a raw push envelope with no
/// <c>ce-</c> headers (a direct push subscription), for which a CloudEvent is synthesized. Pure: no I/O, no logging.
/// </summary>
internal static class CloudEventRequestDecoder
{
    private static readonly JsonEventFormatter s_formatter = new();

    /// <summary>Decodes one request.</summary>
    /// <exception cref="MalformedDeliveryException">The request names an event (CloudEvent id and source, or a push subscription)
    /// whose Pub/Sub message is malformed, or whose type is not handled: permanently bad input.</exception>
    /// <exception cref="FormatException">The request is not a Pub/Sub CloudEvent or push envelope at all; the message says why.</exception>
    public static FunctionEvent Decode(IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var contentType = ParseContentType(headers.ContentType.ToString());

        if (contentType is not null && contentType.MediaType.StartsWith(CloudEventWire.StructuredJsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return DecodeStructured(body, contentType);
        }

        if (headers.ContainsKey(CloudEventWire.SpecVersionHeader))
        {
            return DecodeBinary(headers, body, contentType);
        }

        return DecodeRawPush(body);
    }

    private static FunctionEvent DecodeBinary(IHeaderDictionary headers, ReadOnlyMemory<byte> body, ContentType? contentType)
    {
        var specVersionId = headers[CloudEventWire.SpecVersionHeader].ToString();
        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionId)
            ?? throw new FormatException($"Unsupported CloudEvents spec version \"{specVersionId}\".");
        var cloudEvent = new CloudEvent(specVersion);
        foreach (var header in headers)
        {
            if (!header.Key.StartsWith(CloudEventWire.BinaryHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals(CloudEventWire.SpecVersionHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = header.Key[CloudEventWire.BinaryHeaderPrefix.Length..].ToLowerInvariant();
            try
            {
                // The HTTP binding percent-encodes non-printable characters in header values.
                cloudEvent.SetAttributeFromString(name, Uri.UnescapeDataString(header.Value.ToString()));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"CloudEvent header \"{header.Key}\" is invalid: {ex.Message}", ex);
            }
        }

        cloudEvent.DataContentType = contentType?.ToString();
        RequireValid(cloudEvent);
        var data = ParseData(cloudEvent, () => MessagePublishedData.Parse(body));
        cloudEvent.Data = data;
        return new FunctionEvent(cloudEvent, data);
    }

    private static FunctionEvent DecodeStructured(ReadOnlyMemory<byte> body, ContentType contentType)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = s_formatter.DecodeStructuredModeMessage(body, contentType, extensionAttributes: null);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new FormatException($"Structured-mode CloudEvent is malformed: {ex.Message}", ex);
        }

        RequireValid(cloudEvent);
        var data = ParseData(cloudEvent, () => cloudEvent.Data switch
        {
            JsonElement element => MessagePublishedData.Parse(element),
            byte[] bytes => MessagePublishedData.Parse(bytes),
            string text => MessagePublishedData.Parse(Encoding.UTF8.GetBytes(text)),
            null => throw new FormatException($"CloudEvent {cloudEvent.Id} has no data."),
            _ => throw new FormatException($"CloudEvent {cloudEvent.Id} has data of an unsupported kind."),
        });
        cloudEvent.Data = data;
        return new FunctionEvent(cloudEvent, data);
    }

    private static FunctionEvent DecodeRawPush(ReadOnlyMemory<byte> body)
    {
        using var document = MessagePublishedData.ParseJson(body);
        return DecodeRawPush(document.RootElement);
    }

    private static FunctionEvent DecodeRawPush(JsonElement root)
    {
        // The subscription names the delivery; without it the request is not a push at all.
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("subscription", out var subscriptionElement)
            || subscriptionElement.ValueKind != JsonValueKind.String
            || subscriptionElement.GetString() is not { Length: > 0 } subscription)
        {
            throw new FormatException("Push envelope without CloudEvent headers has no \"subscription\".");
        }

        Uri source;
        try
        {
            source = new Uri(CloudEventWire.PubSubSourcePrefix + subscription, UriKind.RelativeOrAbsolute);
        }
        catch (UriFormatException ex)
        {
            throw new FormatException($"Push envelope's subscription \"{subscription}\" is not a valid name.", ex);
        }

        MessagePublishedData data;
        try
        {
            data = MessagePublishedData.Parse(root);
        }
        catch (FormatException ex)
        {
            throw new MalformedDeliveryException(DeliveryReasons.MalformedDelivery, ex.Message, source.ToString(), string.Empty, MessageIdOf(root), ex);
        }

        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = data.Message.MessageId,
            Source = source,
            Type = CloudEventWire.MessagePublishedType,
            Time = data.Message.PublishTime,
            DataContentType = CloudEventWire.JsonMediaType,
            Data = data,
        };
        return new FunctionEvent(cloudEvent, data);
    }

    private static void RequireValid(CloudEvent cloudEvent)
    {
        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.Id is null ? "id" : cloudEvent.Source is null ? "source" : "type";
            throw new FormatException($"CloudEvent has no \"{missing}\" attribute.");
        }

        if (!string.Equals(cloudEvent.Type, CloudEventWire.MessagePublishedType, StringComparison.Ordinal))
        {
            throw new MalformedDeliveryException(
                DeliveryReasons.UnexpectedEventType,
                $"CloudEvent {cloudEvent.Id} has type \"{cloudEvent.Type}\"; only \"{CloudEventWire.MessagePublishedType}\" is handled.",
                cloudEvent.Source!.ToString(),
                cloudEvent.Id!,
                string.Empty);
        }
    }

    /// <summary>Parses the data of a valid CloudEvent: a failure names the event, so it is acknowledged and alerted, not refused.</summary>
    private static MessagePublishedData ParseData(CloudEvent cloudEvent, Func<MessagePublishedData> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw new MalformedDeliveryException(DeliveryReasons.MalformedDelivery, ex.Message, cloudEvent.Source!.ToString(), cloudEvent.Id!, string.Empty, ex);
        }
    }

    private static string MessageIdOf(JsonElement root)
        => root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
           && (message.TryGetProperty("messageId", out var id) || message.TryGetProperty("message_id", out id))
           && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : string.Empty;

    private static ContentType? ParseContentType(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return new ContentType(value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Content-Type \"{value}\" is malformed.", ex);
        }
    }
}
