using System.Text.Json;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The claims of a cosign simple-signing payload:
/// <c>{"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},"type":…},"optional":…}</c>.
/// Keys name fields as Go's encoding/json (which cosign uses) matches them (<see cref="GoJsonFieldName"/>); where Go would
/// let a later key win, a field named twice under any spelling makes the payload malformed, and so does a value Go would
/// fail to decode into cosign's struct.
/// </summary>
/// <param name="DockerManifestDigest">The signed image digest text, as written.</param>
/// <param name="DockerReference">The signed reference, reported only; null when absent.</param>
/// <param name="Type">The <c>critical.type</c> value.</param>
internal sealed record SimpleSigningPayload(string DockerManifestDigest, string? DockerReference, string Type)
{
    private const int MaxDepth = 16;
    private const int MaxPayloadBytes = 1024 * 1024;

    private static readonly GoJsonFieldName[] RootFields = [GoJsonFieldName.Folded("critical"), GoJsonFieldName.Folded("optional")];
    private static readonly GoJsonFieldName[] CriticalFields = [GoJsonFieldName.Folded("identity"), GoJsonFieldName.Folded("image"), GoJsonFieldName.Folded("type")];
    private static readonly GoJsonFieldName[] IdentityFields = [GoJsonFieldName.Folded("docker-reference")];
    private static readonly GoJsonFieldName[] ImageFields = [GoJsonFieldName.Folded("docker-manifest-digest")];

    /// <summary>Parses a payload without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimpleSigningPayload? result, out string error)
    {
        result = null;
        if (payload.Length > MaxPayloadBytes)
        {
            error = $"payload is larger than {MaxPayloadBytes} bytes";
            return false;
        }

        var claims = new Claims();
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "payload is not a JSON object";
                return false;
            }

            ReadRoot(ref reader, ref claims);
            if (reader.Read())
            {
                error = "payload has trailing content";
                return false;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = $"payload is not valid JSON: {e.Message}";
            return false;
        }
        catch (FormatException e)
        {
            error = $"payload is malformed: {e.Message}";
            return false;
        }

        if (claims.Digest is null)
        {
            error = "payload has no critical.image.docker-manifest-digest";
            return false;
        }

        if (claims.Type is null)
        {
            error = "payload has no critical.type";
            return false;
        }

        result = new SimpleSigningPayload(claims.Digest, claims.Reference, claims.Type);
        error = string.Empty;
        return true;
    }

    private static void ReadRoot(ref Utf8JsonReader reader, ref Claims claims)
    {
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        while (JsonKey.NextField(ref reader, buffer, RootFields, ref seen, out var field))
        {
            switch (field)
            {
                case 0:
                    Expect(ref reader, JsonTokenType.StartObject, "'critical' is not an object");
                    ReadCritical(ref reader, ref claims);
                    break;
                case 1:
                    // Not read, but Go fails to decode anything but an object (or null) into cosign's map.
                    Expect(ref reader, JsonTokenType.StartObject, "'optional' is not an object", allowNull: true);
                    reader.Skip();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private static void ReadCritical(ref Utf8JsonReader reader, ref Claims claims)
    {
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        while (JsonKey.NextField(ref reader, buffer, CriticalFields, ref seen, out var field))
        {
            switch (field)
            {
                case 0:
                    if (Expect(ref reader, JsonTokenType.StartObject, "'critical.identity' is not an object", allowNull: true))
                    {
                        claims.Reference = ReadSingleString(ref reader, IdentityFields, "'critical.identity.docker-reference' is not a string", allowNull: true);
                    }

                    break;
                case 1:
                    Expect(ref reader, JsonTokenType.StartObject, "'critical.image' is not an object");
                    claims.Digest = ReadSingleString(ref reader, ImageFields, "'critical.image.docker-manifest-digest' is not a string", allowNull: false);
                    break;
                case 2:
                    Expect(ref reader, JsonTokenType.String, "'critical.type' is not a string");
                    claims.Type = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>Reads the object under the reader, whose one field is a string; null when absent (or null).</summary>
    private static string? ReadSingleString(ref Utf8JsonReader reader, GoJsonFieldName[] fields, string notString, bool allowNull)
    {
        Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
        var seen = 0;
        string? value = null;
        while (JsonKey.NextField(ref reader, buffer, fields, ref seen, out var field))
        {
            if (field < 0)
            {
                reader.Skip();
            }
            else if (Expect(ref reader, JsonTokenType.String, notString, allowNull))
            {
                value = reader.GetString();
            }
        }

        return value;
    }

    /// <summary>Whether the token is <paramref name="type"/>; false for an allowed null.</summary>
    /// <exception cref="FormatException">The token is neither.</exception>
    private static bool Expect(ref Utf8JsonReader reader, JsonTokenType type, string error, bool allowNull = false) =>
        reader.TokenType == type || (allowNull && reader.TokenType == JsonTokenType.Null ? false : throw new FormatException(error));

    private struct Claims
    {
        public string? Digest { get; set; }
        public string? Reference { get; set; }
        public string? Type { get; set; }
    }
}
