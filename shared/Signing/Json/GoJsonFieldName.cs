using System.Text;

namespace ImageTrust.Signing.Json;

/// <summary>
/// A field of signed JSON and the object keys that name it, as cosign's Go readers match them, so that ImageTrust never
/// reads a field from a key Go would not, nor misses a key Go would read.
/// </summary>
/// <remarks>
/// <para>
/// Go's <c>encoding/json</c> (cosign's payloads, Rekor bundles, manifests) decodes a key into a struct field whose name is
/// the key exactly or else equal under Unicode simple case folding: <c>foldName</c> upper-cases ASCII letters and maps
/// every other rune to the smallest rune of its <c>unicode.SimpleFold</c> orbit. For an ASCII field name only two
/// non-ASCII runes can take part, since only their orbits hold an ASCII letter: U+212A KELVIN SIGN (with k, K) and U+017F
/// LATIN SMALL LETTER LONG S (with s, S). U+0130 and U+0131 have upper/lower mappings to I/i but no case folding, so Go
/// matches neither to i; a naive upper(lower(r)) fold would, so a key that names the field only that way is a
/// <see cref="KeyMatch.Conflict"/>. Each occurrence of such a key assigns the field again (the last wins).
/// </para>
/// <para>
/// Protobuf JSON (<c>protojson</c>: Sigstore bundles, trusted roots, in-toto v1 statements in sigstore-go) matches the JSON
/// name or the proto field name, exactly. A field built with <see cref="Exact"/> accepts only its JSON name and reports
/// every other spelling that any Go reader could take for it (case variants, Kelvin sign, long s, the proto name) as a
/// conflict.
/// </para>
/// </remarks>
internal sealed class GoJsonFieldName
{
    /// <summary>The longest key (UTF-8 bytes, unescaped) that could name a field of <see cref="MaxNameLength"/> characters.</summary>
    public const int MaxKeyBytes = 3 * MaxNameLength;

    /// <summary>The longest field name supported.</summary>
    public const int MaxNameLength = 64;

    private readonly byte[] _name;
    private readonly byte[]? _protoName;
    private readonly bool _foldAccepted;

    private GoJsonFieldName(string name, string? protoName, bool foldAccepted)
    {
        if (name.Length is 0 or > MaxNameLength || !Ascii.IsValid(name) || (protoName is not null && (protoName.Length is 0 or > MaxNameLength || !Ascii.IsValid(protoName))))
        {
            throw new ArgumentException($"'{name}' is not a supported field name", nameof(name));
        }

        Name = name;
        _name = Encoding.ASCII.GetBytes(name);
        _protoName = protoName is null ? null : Encoding.ASCII.GetBytes(protoName);
        _foldAccepted = foldAccepted;
    }

    /// <summary>The field's JSON name.</summary>
    public string Name { get; }

    /// <summary>A field of a Go struct read by <c>encoding/json</c>: the exact name and every Go fold of it name the field.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, longer than <see cref="MaxNameLength"/> or not ASCII.</exception>
    public static GoJsonFieldName Folded(string name) => new(name, null, foldAccepted: true);

    /// <summary>
    /// A field read only under its exact JSON name (as protojson reads it); any other spelling a Go reader could take for
    /// it, including <paramref name="protoName"/> (the proto field name, when it differs), is a conflict.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, longer than <see cref="MaxNameLength"/> or not ASCII.</exception>
    public static GoJsonFieldName Exact(string name, string? protoName = null) => new(name, protoName, foldAccepted: false);

    /// <summary>How <paramref name="key"/> (unescaped UTF-8) relates to this field.</summary>
    public KeyMatch Match(ReadOnlySpan<byte> key)
    {
        if (key.SequenceEqual(_name))
        {
            return KeyMatch.Field;
        }

        if (_protoName is not null && key.SequenceEqual(_protoName))
        {
            return KeyMatch.Conflict;
        }

        return Fold(key, _name) switch
        {
            FoldResult.Equal => _foldAccepted ? KeyMatch.Field : KeyMatch.Conflict,
            FoldResult.EqualOnlyWithTurkishI => KeyMatch.Conflict,
            _ => KeyMatch.None,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Compares a key with an ASCII name under Go's fold, noting a match that needs U+0130 or U+0131 to be an i.</summary>
    private static FoldResult Fold(ReadOnlySpan<byte> key, ReadOnlySpan<byte> name)
    {
        // Every rune that can fold onto an ASCII letter is one to three UTF-8 bytes, so a longer key cannot match.
        if (key.Length < name.Length || key.Length > 3 * name.Length)
        {
            return FoldResult.Different;
        }

        var turkishI = false;
        var at = 0;
        foreach (var expected in name)
        {
            if (at >= key.Length)
            {
                return FoldResult.Different;
            }

            var upper = ToUpperAscii(expected);
            var b = key[at];
            if (b < 0x80)
            {
                if (ToUpperAscii(b) != upper)
                {
                    return FoldResult.Different;
                }

                at++;
                continue;
            }

            if (Rune.DecodeFromUtf8(key[at..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return FoldResult.Different;
            }

            var folded = rune.Value switch
            {
                0x212A => (byte)'K',
                0x017F => (byte)'S',
                0x0130 or 0x0131 => (byte)'I',
                _ => (byte)0,
            };
            if (folded != upper)
            {
                return FoldResult.Different;
            }

            turkishI |= folded == 'I';
            at += consumed;
        }

        return at != key.Length ? FoldResult.Different
            : turkishI ? FoldResult.EqualOnlyWithTurkishI
            : FoldResult.Equal;
    }

    private static byte ToUpperAscii(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - ('a' - 'A')) : b;

    private enum FoldResult
    {
        Different,
        Equal,
        EqualOnlyWithTurkishI,
    }
}
