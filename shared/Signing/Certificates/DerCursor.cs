using System.Formats.Asn1;

namespace ImageTrust.Signing.Certificates;

/// <summary>One DER element: its tag, the whole encoding and its content, as slices of the buffer it was read from.</summary>
/// <param name="Tag">The element's tag.</param>
/// <param name="Encoded">Tag, length and content.</param>
/// <param name="Content">The content octets.</param>
internal readonly record struct DerElement(Asn1Tag Tag, ReadOnlyMemory<byte> Encoded, ReadOnlyMemory<byte> Content);

/// <summary>
/// A forward-only walk over consecutive DER elements that hands out slices of the buffer (no copies, no allocations).
/// Lengths are checked by <see cref="AsnDecoder"/> under DER rules; a malformed element throws <see cref="AsnContentException"/>.
/// </summary>
internal struct DerCursor
{
    private ReadOnlyMemory<byte> _remaining;

    /// <summary>Walks the elements of <paramref name="content"/> (e.g. a SEQUENCE's content).</summary>
    public DerCursor(ReadOnlyMemory<byte> content) => _remaining = content;

    /// <summary>Whether an element remains.</summary>
    public readonly bool HasData => !_remaining.IsEmpty;

    /// <summary>Whether the next element has <paramref name="tag"/> (class, number and constructed flag).</summary>
    public readonly bool NextIs(Asn1Tag tag) => HasData && Asn1Tag.Decode(_remaining.Span, out _).Equals(tag);

    /// <summary>Reads the next element, whatever its tag.</summary>
    /// <exception cref="AsnContentException">No element remains, or it is not valid DER framing.</exception>
    public DerElement Read()
    {
        var span = _remaining.Span;
        var tag = Asn1Tag.Decode(span, out _);
        AsnDecoder.ReadEncodedValue(span, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out var consumed);
        var element = new DerElement(tag, _remaining[..consumed], _remaining.Slice(contentOffset, contentLength));
        _remaining = _remaining[consumed..];
        return element;
    }

    /// <summary>Reads the next element, which must have <paramref name="expected"/> as its tag.</summary>
    /// <exception cref="AsnContentException">The element is missing, malformed or tagged otherwise.</exception>
    public DerElement Read(Asn1Tag expected)
    {
        if (!HasData)
        {
            throw new AsnContentException($"expected {expected}, found the end of the structure");
        }

        var element = Read();
        return element.Tag.Equals(expected) ? element : throw new AsnContentException($"expected {expected}, found {element.Tag}");
    }

    /// <summary>Requires that no element remains.</summary>
    /// <exception cref="AsnContentException">Data follows the last expected element.</exception>
    public readonly void End()
    {
        if (HasData)
        {
            throw new AsnContentException("unexpected data after the last field");
        }
    }
}
