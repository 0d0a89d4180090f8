using System.Text.Json;
using System.Text.RegularExpressions;
using ImageTrust.Model;

namespace ImageTrust.Pipeline.Events;

/// <summary>
/// A Container Analysis notification from <c>container-analysis-occurrences-v1</c>: a pointer to an occurrence,
/// <c>{"name":"projects/P/occurrences/ID","kind":"VULNERABILITY","notificationTime":"…"}</c>.
/// </summary>
internal sealed partial record OccurrenceNotification(string Name, string Kind, DateTimeOffset? NotificationTime)
{
    /// <summary>The project holding the occurrence (the <c>P</c> of <c>projects/P/occurrences/ID</c>), where its siblings are listed.</summary>
    public string Project => Name.Split('/')[1];

    /// <summary>The largest message data accepted.</summary>
    public const int MaxDataBytes = 64 * 1024;

    /// <summary>Parses the (already base64-decoded) message data.</summary>
    /// <exception cref="PermanentInputException">The data is oversized, not JSON, or the name is not an occurrence name.</exception>
    public static OccurrenceNotification Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxDataBytes)
        {
            throw new PermanentInputException("OVERSIZED_EVENT", $"occurrence notification is {data.Length} bytes; at most {MaxDataBytes} are accepted");
        }

        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PermanentInputException("MALFORMED_EVENT", "occurrence notification is not a JSON object");
            }

            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            if (name is null || !OccurrenceName().IsMatch(name))
            {
                throw new PermanentInputException("MALFORMED_EVENT", "occurrence notification 'name' is missing or not projects/P/occurrences/ID");
            }

            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "NOTE_KIND_UNSPECIFIED";
            DateTimeOffset? time = root.TryGetProperty("notificationTime", out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out var parsed)
                ? parsed
                : null;
            return new OccurrenceNotification(name, kind, time);
        }
        catch (JsonException e)
        {
            throw new PermanentInputException("MALFORMED_EVENT", $"occurrence notification is not valid JSON: {e.Message}", e);
        }
    }

    [GeneratedRegex(@"\Aprojects/[a-z0-9][a-z0-9:.\-]{0,127}/occurrences/[A-Za-z0-9_\-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex OccurrenceName();
}
