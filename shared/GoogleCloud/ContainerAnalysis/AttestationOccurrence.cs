using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>An <c>ATTESTATION</c> occurrence: a signed payload about one image, attached to an attestation note.</summary>
/// <param name="Name"><c>projects/P/occurrences/ID</c> (empty on a request, set by the server).</param>
/// <param name="ResourceUri">The image, <c>https://HOST/REPO@sha256:…</c>.</param>
/// <param name="NoteName">The attestation note, <c>projects/P/notes/N</c>.</param>
/// <param name="SerializedPayload">The signed payload.</param>
/// <param name="Signatures">The signatures over the payload.</param>
/// <param name="CreateTime">When the server created it, or null (on a request).</param>
internal sealed record AttestationOccurrence(string Name, string ResourceUri, string NoteName, ImmutableArray<byte> SerializedPayload, ImmutableArray<AttestationSignature> Signatures, DateTimeOffset? CreateTime)
{
    /// <summary>The most signatures read from one occurrence.</summary>
    public const int MaxSignatures = 64;

    /// <summary>Writes the <c>Occurrence</c> create request body (name and times are the server's).</summary>
    public void WriteRequest(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("resourceUri", ResourceUri);
        writer.WriteString("noteName", NoteName);
        writer.WriteString("kind", "ATTESTATION");
        writer.WriteStartObject("attestation");
        writer.WriteBase64String("serializedPayload", SerializedPayload.AsSpan());
        writer.WriteStartArray("signatures");
        foreach (var signature in Signatures)
        {
            writer.WriteStartObject();
            writer.WriteString("publicKeyId", signature.PublicKeyId);
            writer.WriteBase64String("signature", signature.Signature.AsSpan());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Parses an <c>Occurrence</c> object with an <c>attestation</c> (a missing attestation reads as empty).</summary>
    /// <exception cref="FormatException">Not an occurrence object with a name, or a field has the wrong type.</exception>
    public static AttestationOccurrence Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || String(element, "name") is not { Length: > 0 } name)
        {
            throw new FormatException("an occurrence must be a JSON object with a name");
        }

        var payload = ImmutableArray<byte>.Empty;
        var signatures = ImmutableArray.CreateBuilder<AttestationSignature>();
        if (element.TryGetProperty("attestation", out var attestation) && attestation.ValueKind == JsonValueKind.Object)
        {
            if (attestation.TryGetProperty("serializedPayload", out var p) && p.ValueKind == JsonValueKind.String)
            {
                payload = [.. p.GetBytesFromBase64()];
            }

            if (attestation.TryGetProperty("signatures", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray().Take(MaxSignatures))
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        var signature = item.TryGetProperty("signature", out var s) && s.ValueKind == JsonValueKind.String ? s.GetBytesFromBase64() : [];
                        signatures.Add(new AttestationSignature(String(item, "publicKeyId") ?? string.Empty, [.. signature]));
                    }
                }
            }
        }

        DateTimeOffset? created = String(element, "createTime") is { } time
            ? DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
        return new AttestationOccurrence(name, String(element, "resourceUri") ?? string.Empty, String(element, "noteName") ?? string.Empty, payload, signatures.ToImmutable(), created);
    }

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"occurrence field '{name}' is not a string"),
        } : null;
}
