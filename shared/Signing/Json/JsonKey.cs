using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ImageTrust.Signing.Json;

/// <summary>
/// Object keys of signed JSON, unescaped and checked, and matched against the fields a reader reads. Go replaces invalid
/// UTF-8 and lone surrogates in a key with U+FFFD; ImageTrust refuses such a key instead (stricter, and never a different
/// reading).
/// </summary>
internal static class JsonKey
{
    /// <summary>The buffer a caller passes to the <c>Read</c> methods: enough for any key that can name a field.</summary>
    public const int BufferBytes = 256;

    /// <summary>
    /// The property name under <paramref name="reader"/>, unescaped: a view of the input, or of <paramref name="buffer"/>
    /// (at least <see cref="BufferBytes"/>) when escaped. A key too long to name any field is checked and returned empty.
    /// </summary>
    /// <exception cref="FormatException">The key is not valid UTF-8 or has a lone surrogate escape.</exception>
    public static ReadOnlySpan<byte> Read(ref readonly Utf8JsonReader reader, Span<byte> buffer)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            return Utf8.IsValid(raw) ? Bounded(raw) : throw Invalid();
        }

        var written = CopyChecked(in reader, buffer);
        return written < 0 ? ReadOnlySpan<byte>.Empty : Bounded(buffer[..written]);
    }

    /// <summary>The name of <paramref name="property"/>, unescaped, as <see cref="Read(ref readonly Utf8JsonReader, Span{byte})"/> reads it.</summary>
    /// <exception cref="FormatException">The key is not valid UTF-8 or has a lone surrogate escape.</exception>
    public static ReadOnlySpan<byte> Read(JsonProperty property, Span<byte> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Utf8.IsValid(raw) ? Bounded(raw) : throw Invalid();
        }

        // Escaped (rare): unescape the quoted token with a reader.
        var quoted = ArrayPool<byte>.Shared.Rent(raw.Length + 2);
        try
        {
            quoted[0] = (byte)'"';
            raw.CopyTo(quoted.AsSpan(1));
            quoted[raw.Length + 1] = (byte)'"';
            var reader = new Utf8JsonReader(quoted.AsSpan(0, raw.Length + 2));
            reader.Read();
            var written = CopyChecked(in reader, buffer);
            return written < 0 ? ReadOnlySpan<byte>.Empty : Bounded(buffer[..written]);
        }
        catch (JsonException)
        {
            throw Invalid();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quoted);
        }
    }

    /// <summary>
    /// The index in <paramref name="fields"/> of the field <paramref name="key"/> names, or -1.
    /// </summary>
    /// <exception cref="FormatException">The key is a conflicting spelling of a field (<see cref="KeyMatch.Conflict"/>).</exception>
    public static int Find(ReadOnlySpan<byte> key, ReadOnlySpan<GoJsonFieldName> fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            switch (fields[i].Match(key))
            {
                case KeyMatch.Field:
                    return i;
                case KeyMatch.Conflict:
                    throw new FormatException(ConflictMessage(key, fields[i].Name));
            }
        }

        return -1;
    }

    /// <summary>
    /// Moves <paramref name="reader"/> (inside an object) past the next property name onto its value, as Go's decoder matches
    /// names: <paramref name="field"/> is the index in <paramref name="fields"/>, or -1 for a key that names none. False at
    /// the end of the object.
    /// </summary>
    /// <param name="reader">The reader, before a property name or the object's end.</param>
    /// <param name="buffer">Scratch for an escaped key, at least <see cref="BufferBytes"/>.</param>
    /// <param name="fields">The fields read.</param>
    /// <param name="seen">The fields already named (see <see cref="MarkSeen"/>).</param>
    /// <param name="field">The field named, or -1.</param>
    /// <exception cref="FormatException">A field is named twice, or the key is not valid UTF-8.</exception>
    public static bool NextField(ref Utf8JsonReader reader, scoped Span<byte> buffer, ReadOnlySpan<GoJsonFieldName> fields, ref int seen, out int field)
    {
        field = -1;
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return false;
        }

        field = Find(Read(ref reader, buffer), fields);
        if (field >= 0)
        {
            MarkSeen(ref seen, field, fields);
        }

        reader.Read();
        return true;
    }

    /// <summary>Records field <paramref name="index"/> in <paramref name="seen"/> (one bit per field).</summary>
    /// <exception cref="FormatException">The field was seen before.</exception>
    public static void MarkSeen(ref int seen, int index, ReadOnlySpan<GoJsonFieldName> fields)
    {
        var bit = 1 << index;
        if ((seen & bit) != 0)
        {
            throw new FormatException(RepeatedMessage(fields[index].Name));
        }

        seen |= bit;
    }

    /// <summary>The error for a field named by more than one key.</summary>
    public static string RepeatedMessage(string field) =>
        $"'{field}' appears more than once (keys name fields as Go's encoding/json matches them: any ASCII case, K as U+212A, s as U+017F)";

    /// <summary>The error for a key that is another spelling of a field.</summary>
    public static string ConflictMessage(ReadOnlySpan<byte> key, string field) =>
        $"key \"{Printable(key)}\" is a spelling of '{field}' that cosign's readers do not agree on";

    /// <summary>The key as ASCII: other characters as \uXXXX escapes, so no outside text reaches a terminal raw.</summary>
    public static string Printable(ReadOnlySpan<byte> key)
    {
        var text = new StringBuilder(key.Length);
        foreach (var c in Encoding.UTF8.GetString(key))
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                text.Append(c);
            }
            else
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Unescapes the current string into <paramref name="buffer"/> and checks it; -1 when it does not fit (it is checked in
    /// a pooled buffer instead).
    /// </summary>
    private static int CopyChecked(ref readonly Utf8JsonReader reader, Span<byte> buffer)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        byte[]? rented = null;
        var target = length <= buffer.Length ? buffer : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            int written;
            try
            {
                written = reader.CopyString(target);
            }
            catch (InvalidOperationException)
            {
                throw Invalid();
            }

            if (!Utf8.IsValid(target[..written]))
            {
                throw Invalid();
            }

            return rented is null ? written : -1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> Bounded(ReadOnlySpan<byte> key) => key.Length <= GoJsonFieldName.MaxKeyBytes ? key : ReadOnlySpan<byte>.Empty;

    private static FormatException Invalid() => new("an object key is not valid UTF-8 or has a lone surrogate escape");
}
