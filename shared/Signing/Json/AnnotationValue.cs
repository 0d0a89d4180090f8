using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace ImageTrust.Signing.Json;

/// <summary>
/// A manifest annotation value kept as its raw JSON string token (quotes and escapes included), a slice of the manifest
/// bytes. Nothing is decoded when the manifest is parsed: each step unescapes only what it reads, into its own buffer.
/// The token has been validated (<see cref="FromToken"/>), so decoding it never fails.
/// </summary>
internal sealed class AnnotationValue
{
    private readonly ReadOnlyMemory<byte> _token;
    private readonly bool _escaped;

    private AnnotationValue(ReadOnlyMemory<byte> token, bool escaped)
    {
        _token = token;
        _escaped = escaped;
    }

    /// <summary>The raw token: the value's JSON string as it appears in the manifest, quotes and escapes included.</summary>
    public ReadOnlyMemory<byte> RawToken => _token;

    /// <summary>An upper bound of the value's UTF-8 length (unescaping only shrinks it).</summary>
    public int MaxByteCount => _token.Length - 2;

    /// <summary>Whether the value is the empty string.</summary>
    public bool IsEmpty => _token.Length == 2;

    /// <summary>
    /// Takes the string token under <paramref name="reader"/> (a reader over all of <paramref name="document"/>), after
    /// checking it decodes to valid text as <see cref="Utf8JsonReader.GetString"/> would.
    /// </summary>
    /// <exception cref="InvalidOperationException">The token is not valid UTF-8 or has an invalid escape (the message is <see cref="Utf8JsonReader.GetString"/>'s).</exception>
    public static AnnotationValue FromToken(ReadOnlyMemory<byte> document, ref Utf8JsonReader reader)
    {
        var start = checked((int)reader.TokenStartIndex);
        var value = new AnnotationValue(document.Slice(start, reader.ValueSpan.Length + 2), reader.ValueIsEscaped);
        value.Validate();
        return value;
    }

    /// <summary>Encodes <paramref name="text"/> as a JSON string token (for values that do not come from a manifest).</summary>
    public static AnnotationValue FromText(string text)
    {
        var encoded = JsonEncodedText.Encode(text).EncodedUtf8Bytes;
        var token = new byte[encoded.Length + 2];
        token[0] = (byte)'"';
        encoded.CopyTo(token.AsSpan(1));
        token[^1] = (byte)'"';
        return new AnnotationValue(token, encoded.IndexOf((byte)'\\') >= 0);
    }

    /// <summary>Writes the unescaped UTF-8 value into <paramref name="destination"/> (at least <see cref="MaxByteCount"/> bytes).</summary>
    /// <returns>The number of bytes written.</returns>
    public int CopyTo(Span<byte> destination)
    {
        if (!_escaped)
        {
            var raw = _token.Span[1..^1];
            raw.CopyTo(destination);
            return raw.Length;
        }

        var reader = new Utf8JsonReader(_token.Span);
        reader.Read();
        return reader.CopyString(destination);
    }

    /// <summary>The decoded value.</summary>
    public override string ToString()
    {
        var reader = new Utf8JsonReader(_token.Span);
        reader.Read();
        return reader.GetString()!;
    }

    private void Validate()
    {
        if (!_escaped)
        {
            if (Utf8.IsValid(_token.Span[1..^1]))
            {
                return;
            }
        }
        else
        {
            var buffer = ArrayPool<byte>.Shared.Rent(MaxByteCount);
            try
            {
                if (Utf8.IsValid(buffer.AsSpan(0, CopyTo(buffer))))
                {
                    return;
                }
            }
            catch (InvalidOperationException)
            {
                // Fall through: GetString decides, and throws its own message.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Rare: GetString throws its own message for invalid text. Should it ever accept what the checks above refused,
        // refuse anyway (fail closed) rather than decode the value two different ways.
        _ = ToString();
        throw new InvalidOperationException("the annotation value is not valid UTF-8");
    }
}
