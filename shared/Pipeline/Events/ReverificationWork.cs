using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Events;

/// <summary>
/// One image the sweep found due, published to the work topic (<c>{"image":"HOST/REPO@sha256:…","reason":"…"}</c> with the
/// attribute <see cref="KindAttribute"/> = <see cref="Kind"/>) and consumed by the Reverifier, one message per image.
/// </summary>
/// <param name="Image">The image to re-verify.</param>
/// <param name="Reason">Why the sweep found it due (for the log; the handler decides again on the fresh record).</param>
internal sealed record ReverificationWork(ImageKey Image, string Reason)
{
    /// <summary>The attribute that marks a work message (a scheduler tick has none).</summary>
    public const string KindAttribute = "imagetrust-work";

    /// <summary>The value of <see cref="KindAttribute"/> on a re-verification work message.</summary>
    public const string Kind = "reverify-image";

    /// <summary>
    /// The value of <see cref="KindAttribute"/> on a scheduler tick that only drains outboxes (the frequent drain job); a tick
    /// without the attribute runs the whole sweep.
    /// </summary>
    public const string DrainKind = "drain-outbox";

    /// <summary>The reason of an image whose outbox holds events nobody is publishing.</summary>
    public const string OutboxPending = "OUTBOX_PENDING";

    /// <summary>The largest message data accepted.</summary>
    public const int MaxDataBytes = 8 * 1024;

    private const int MaxReasonLength = 64;

    /// <summary>The message data.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("image", Image.ToString());
            writer.WriteString("reason", Reason);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses message data.</summary>
    /// <exception cref="PermanentInputException">The data is oversized, not a JSON object, or names no valid image (<c>MALFORMED_WORK</c>).</exception>
    public static ReverificationWork Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxDataBytes)
        {
            throw new PermanentInputException("OVERSIZED_EVENT", $"work message data is {data.Length} bytes; at most {MaxDataBytes} are accepted");
        }

        try
        {
            using var json = JsonDocument.Parse(data.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("image", out var image) || image.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String
                || reason.GetString() is not { Length: > 0 and <= MaxReasonLength } reasonText)
            {
                throw new PermanentInputException("MALFORMED_WORK", "work message data needs string fields \"image\" and \"reason\" (1-64 characters)");
            }

            return new ReverificationWork(ImageKey.Parse(image.GetString()!), reasonText);
        }
        catch (JsonException exception)
        {
            throw new PermanentInputException("MALFORMED_WORK", $"work message data is not JSON: {exception.Message}", exception);
        }
        catch (FormatException exception)
        {
            throw new PermanentInputException("MALFORMED_WORK", $"work message names no image: {exception.Message}", exception);
        }
    }
}
