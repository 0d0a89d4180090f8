using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Pipeline.Events;

/// <summary>
/// An Artifact Registry push notification from the <c>gcr</c> topic:
/// <c>{"action":"INSERT","digest":"HOST/P/REPO/IMG@sha256:…","tag":"HOST/P/REPO/IMG:1.1"}</c>.
/// <c>digest</c> and <c>tag</c> are each optional full references; at least one is present.
/// </summary>
internal sealed record ArtifactRegistryEvent(RegistryAction Action, ImageReference? Digest, ImageReference? Tag)
{
    /// <summary>The largest message data accepted; real notifications are a few hundred bytes.</summary>
    public const int MaxDataBytes = 64 * 1024;

    /// <summary>The reference to act on: the digest reference when present, else the tag reference.</summary>
    public ImageReference Subject => Digest ?? Tag!;

    /// <summary>Parses the (already base64-decoded) message data.</summary>
    /// <exception cref="PermanentInputException">The data is oversized, not JSON, has an unknown action or invalid references.</exception>
    public static ArtifactRegistryEvent Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxDataBytes)
        {
            throw new PermanentInputException("OVERSIZED_EVENT", $"gcr message data is {data.Length} bytes; at most {MaxDataBytes} are accepted");
        }

        string? action = null;
        string? digest = null;
        string? tag = null;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new PermanentInputException("MALFORMED_EVENT", "gcr message data is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "action":
                        action = ReadString(ref reader, name);
                        break;
                    case "digest":
                        digest = ReadString(ref reader, name);
                        break;
                    case "tag":
                        tag = ReadString(ref reader, name);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new PermanentInputException("MALFORMED_EVENT", $"gcr message data is not valid JSON: {e.Message}", e);
        }

        var parsedAction = action switch
        {
            "INSERT" => RegistryAction.Insert,
            "DELETE" => RegistryAction.Delete,
            null => throw new PermanentInputException("MALFORMED_EVENT", "gcr message has no 'action'"),
            _ => throw new PermanentInputException("UNKNOWN_ACTION", $"gcr message action '{Shorten(action)}' is neither INSERT nor DELETE"),
        };

        var digestReference = ParseReference(digest, "digest");
        var tagReference = ParseReference(tag, "tag");
        if (digestReference is null && tagReference is null)
        {
            throw new PermanentInputException("MALFORMED_EVENT", "gcr message has neither 'digest' nor 'tag'");
        }

        if (digestReference is not null && digestReference.Digest is null)
        {
            throw new PermanentInputException("INVALID_REFERENCE", $"gcr 'digest' '{Shorten(digest!)}' has no @sha256: digest");
        }

        if (tagReference is not null && tagReference.Tag is null)
        {
            throw new PermanentInputException("INVALID_REFERENCE", $"gcr 'tag' '{Shorten(tag!)}' has no tag");
        }

        return new ArtifactRegistryEvent(parsedAction, digestReference, tagReference);
    }

    private static string? ReadString(ref Utf8JsonReader reader, string? name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new PermanentInputException("MALFORMED_EVENT", $"gcr message field '{name}' is not a string");
        }

        var value = reader.GetString();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static ImageReference? ParseReference(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return ImageReference.Parse(text);
        }
        catch (FormatException e)
        {
            throw new PermanentInputException("INVALID_REFERENCE", $"gcr '{field}' is not a valid image reference: {e.Message}", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
