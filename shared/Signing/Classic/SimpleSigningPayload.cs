using System.Text.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The claims of a cosign simple-signing payload:
/// <c>{"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},"type":…},"optional":…}</c>.
/// Key names match case-insensitively (as Go's encoding/json does); a repeated key is rejected rather than last-wins.
/// </summary>
/// <param name="DockerManifestDigest">The signed image digest text, as written.</param>
/// <param name="DockerReference">The signed reference, reported only; null when absent.</param>
/// <param name="Type">The <c>critical.type</c> value.</param>
internal sealed record SimpleSigningPayload(string DockerManifestDigest, string? DockerReference, string Type)
{
    private const int MaxDepth = 16;
    private const int MaxPayloadBytes = 1024 * 1024;
    private const int MaxNameBytes = 256;

    /// <summary>Parses a payload without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimpleSigningPayload? result, out string error)
    {
        result = null;
        if (payload.Length > MaxPayloadBytes)
        {
            error = $"payload is larger than {MaxPayloadBytes} bytes";
            return false;
        }

        string? digest = null;
        string? reference = null;
        string? type = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "payload is not a JSON object";
                return false;
            }

            var sawCritical = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (NameIs(ref reader, "critical"))
                {
                    if (sawCritical)
                    {
                        error = "payload repeats 'critical'";
                        return false;
                    }

                    sawCritical = true;
                    reader.Read();
                    if (!ReadCritical(ref reader, ref digest, ref reference, ref type, out error))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
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

        if (digest is null)
        {
            error = "payload has no critical.image.docker-manifest-digest";
            return false;
        }

        if (type is null)
        {
            error = "payload has no critical.type";
            return false;
        }

        result = new SimpleSigningPayload(digest, reference, type);
        error = string.Empty;
        return true;
    }

    private static bool ReadCritical(ref Utf8JsonReader reader, ref string? digest, ref string? reference, ref string? type, out string error)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = "payload 'critical' is not an object";
            return false;
        }

        var sawIdentity = false;
        var sawImage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (NameIs(ref reader, "identity"))
            {
                reader.Read();
                if (sawIdentity)
                {
                    error = "payload repeats 'critical.identity'";
                    return false;
                }

                if (!ReadSingleString(ref reader, "docker-reference", allowNull: true, ref reference, out error))
                {
                    error = "payload 'critical.identity': " + error;
                    return false;
                }

                sawIdentity = true;
            }
            else if (NameIs(ref reader, "image"))
            {
                reader.Read();
                if (sawImage)
                {
                    error = "payload repeats 'critical.image'";
                    return false;
                }

                if (!ReadSingleString(ref reader, "docker-manifest-digest", allowNull: false, ref digest, out error))
                {
                    error = "payload 'critical.image': " + error;
                    return false;
                }

                sawImage = true;
            }
            else if (NameIs(ref reader, "type"))
            {
                reader.Read();
                if (type is not null || reader.TokenType != JsonTokenType.String)
                {
                    error = "payload 'critical.type' is repeated or not a string";
                    return false;
                }

                type = reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        error = string.Empty;
        return true;
    }

    private static bool ReadSingleString(ref Utf8JsonReader reader, string name, bool allowNull, ref string? value, out string error)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = "is not an object";
            return false;
        }

        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (NameIs(ref reader, name))
            {
                reader.Read();
                if (seen)
                {
                    error = $"repeats '{name}'";
                    return false;
                }

                seen = true;
                if (reader.TokenType == JsonTokenType.String)
                {
                    value = reader.GetString();
                }
                else if (!(allowNull && reader.TokenType == JsonTokenType.Null))
                {
                    error = $"'{name}' is not a string";
                    return false;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        error = string.Empty;
        return true;
    }

    private static bool NameIs(ref Utf8JsonReader reader, string name)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxNameBytes)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[MaxNameBytes];
        var written = reader.CopyString(buffer);
        return buffer[..written].Equals(name, StringComparison.OrdinalIgnoreCase);
    }
}
