using System.Text;
using System.Text.Json;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Dsse;

/// <summary>A DSSE envelope: payload type, payload bytes and signatures over the PAE encoding.</summary>
internal sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures)
{
    private static readonly GoJsonFieldName PayloadTypeField = GoJsonFieldName.Exact("payloadType");
    private static readonly GoJsonFieldName PayloadField = GoJsonFieldName.Exact("payload");
    private static readonly GoJsonFieldName SignaturesField = GoJsonFieldName.Exact("signatures");
    private static readonly GoJsonFieldName SigField = GoJsonFieldName.Exact("sig");
    private static readonly GoJsonFieldName KeyIdField = GoJsonFieldName.Exact("keyid");

    /// <summary>The in-toto statement payload type.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>The largest envelope accepted.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>The pre-authentication encoding the signatures cover.</summary>
    public byte[] PreAuthenticationEncoding() => PreAuthenticationEncoder.Encode(PayloadType, Payload);

    /// <summary>Parses an envelope from its JSON form (<c>payload</c> and <c>sig</c> in standard base64).</summary>
    /// <exception cref="FormatException">The JSON is not a well-formed DSSE envelope.</exception>
    public static DsseEnvelope Parse(ReadOnlyMemory<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            throw new FormatException($"DSSE envelope is larger than {MaxBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return FromJson(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"DSSE envelope is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"DSSE envelope has an invalid string: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads an envelope from a JSON element (as embedded in a Sigstore bundle). Fields are read under their exact names only
    /// (Go's encoding/json would fold other spellings, protojson would refuse them), and a field named twice is refused.
    /// </summary>
    /// <exception cref="FormatException">The element is not a well-formed DSSE envelope.</exception>
    public static DsseEnvelope FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("DSSE envelope is not an object");
        }

        var payloadType = JsonFields.TryGet(element, PayloadTypeField, out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new FormatException("DSSE envelope has no payloadType");
        var payload = JsonFields.TryGet(element, PayloadField, out var body) && body.ValueKind == JsonValueKind.String
            ? DecodeBase64(body, "payload")
            : throw new FormatException("DSSE envelope has no payload");
        var signatures = new List<DsseSignature>();
        if (JsonFields.TryGet(element, SignaturesField, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var signature in list.EnumerateArray())
            {
                var sig = JsonFields.TryGet(signature, SigField, out var value) && value.ValueKind == JsonValueKind.String
                    ? DecodeBase64(value, "sig")
                    : throw new FormatException("DSSE signature has no sig");
                var keyId = JsonFields.TryGet(signature, KeyIdField, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                signatures.Add(new DsseSignature(sig, string.IsNullOrEmpty(keyId) ? null : keyId));
            }
        }

        return new DsseEnvelope(payloadType, payload, signatures);
    }

    private static byte[] DecodeBase64(JsonElement value, string what)
    {
        // Plain padded base64 is decoded straight from the document; other forms (whitespace, URL-safe) as below.
        if (value.TryGetBytesFromBase64(out var decoded))
        {
            return decoded;
        }

        var text = value.GetString()!;
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            return buffer[..written];
        }

        // DSSE allows URL-safe base64 too.
        var normalized = new StringBuilder(text).Replace('-', '+').Replace('_', '/').ToString();
        normalized = normalized.PadRight(normalized.Length + ((4 - (normalized.Length % 4)) % 4), '=');
        return Convert.TryFromBase64String(normalized, buffer, out written)
            ? buffer[..written]
            : throw new FormatException($"DSSE {what} is not base64");
    }
}
