using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>
/// Reads the events a subscriber pulled: the body Pub/Sub's <c>subscriptions.pull</c> answers
/// (<c>{"receivedMessages":[{"ackId","message":{"data","attributes",…}}]}</c>), each message's data a structured CloudEvent as
/// ImageTrust publishes it. Anything else is a configuration error naming the file and the message.
/// </summary>
internal static class PulledEventFile
{
    /// <summary>The largest file read.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    /// <summary>The most messages read from one file.</summary>
    public const int MaxMessages = 10_000;

    /// <summary>Reads the events in <paramref name="path"/>.</summary>
    /// <exception cref="ConfigurationException">The file is missing, too large, or not a pull response of ImageTrust events.</exception>
    public static ImmutableArray<PublishedEventReport> Read(string path, string what)
        => Parse(OperatorFile.Read(path, MaxBytes, what), what);

    /// <summary>Parses a pull response.</summary>
    /// <exception cref="ConfigurationException">Not a pull response of ImageTrust events.</exception>
    public static ImmutableArray<PublishedEventReport> Parse(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("not a Pub/Sub pull response (a JSON object with receivedMessages)");
            }

            if (!document.RootElement.TryGetProperty("receivedMessages", out var received))
            {
                return [];
            }

            if (received.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("receivedMessages is not an array");
            }

            if (received.GetArrayLength() > MaxMessages)
            {
                throw new FormatException($"more than {MaxMessages} messages");
            }

            var events = ImmutableArray.CreateBuilder<PublishedEventReport>();
            var index = 0;
            foreach (var item in received.EnumerateArray())
            {
                try
                {
                    events.Add(ReadMessage(item));
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException or JsonException)
                {
                    throw new FormatException($"message {index}: {e.Message}", e);
                }

                index++;
            }

            return events.ToImmutable();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new ConfigurationException($"{what}: {e.Message}", e);
        }
    }

    private static PublishedEventReport ReadMessage(JsonElement item)
    {
        var message = item.GetProperty("message");
        var attributes = message.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        var data = message.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetBytesFromBase64()
            : throw new FormatException("no data");
        using var cloudEvent = JsonDocument.Parse(data, new JsonDocumentOptions { MaxDepth = 32 });
        var root = cloudEvent.RootElement;
        if (root.ValueKind != JsonValueKind.Object || Text(root, "specversion") != "1.0")
        {
            throw new FormatException("data is not a structured CloudEvent (specversion 1.0)");
        }

        var id = Required(root, "id");
        var type = Required(root, "type");
        var time = DateTimeOffset.Parse(Required(root, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var eventData = root.TryGetProperty("data", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var reasons = eventData.ValueKind == JsonValueKind.Object && eventData.TryGetProperty("reasons", out var r) && r.ValueKind == JsonValueKind.Array
            ? [.. r.EnumerateArray().Select(reason => reason.GetString() ?? string.Empty)]
            : Text(eventData, "reasonCode") is { } code ? ImmutableArray.Create(code) : [];
        return new PublishedEventReport(
            id,
            type,
            time,
            Text(attributes, "severity") ?? Text(eventData, "severity") ?? "-",
            Text(eventData, "image"),
            Text(eventData, "summary") ?? string.Empty,
            reasons);
    }

    private static string Required(JsonElement element, string name)
        => Text(element, name) is { Length: > 0 } value ? value : throw new FormatException($"the CloudEvent has no {name}");

    private static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
