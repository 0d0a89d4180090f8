using System.Formats.Asn1;

namespace ImageTrust.Signing.Certificates;

/// <summary>
/// The TBSCertificate a CT log signed for an embedded SCT (RFC 6962 §3.2): the leaf's TBS with the SCT-list extension
/// removed and the enclosing lengths re-encoded, written into a caller's buffer rather than through an <see cref="AsnWriter"/>.
/// </summary>
internal static class PrecertificateTbs
{
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>An upper bound of the precertificate TBS's length (it is never longer than the TBS).</summary>
    public static int MaxLength(ReadOnlyMemory<byte> tbs) => tbs.Length;

    /// <summary>Writes the precertificate TBS of <paramref name="tbs"/> (a whole DER TBSCertificate) to <paramref name="destination"/>.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="AsnContentException">The TBS is not DER.</exception>
    public static int Write(ReadOnlyMemory<byte> tbs, Span<byte> destination)
    {
        var outer = new DerCursor(tbs);
        var fields = new DerCursor(outer.Read(Asn1Tag.Sequence).Content);
        outer.End();

        // First pass: the length of everything that stays.
        var contentLength = 0;
        var extensionsLength = 0;
        var walk = fields;
        while (walk.HasData)
        {
            var field = walk.Read();
            if (field.Tag.Equals(ExtensionsTag))
            {
                extensionsLength = KeptExtensionsLength(field);
                var sequenceLength = ElementLength(extensionsLength);
                contentLength += ElementLength(sequenceLength);
            }
            else
            {
                contentLength += field.Encoded.Length;
            }
        }

        // Second pass: write.
        var written = WriteHeader(destination, 0x30, contentLength);
        while (fields.HasData)
        {
            var field = fields.Read();
            if (!field.Tag.Equals(ExtensionsTag))
            {
                field.Encoded.Span.CopyTo(destination[written..]);
                written += field.Encoded.Length;
                continue;
            }

            written += WriteHeader(destination[written..], 0xA3, ElementLength(extensionsLength));
            written += WriteHeader(destination[written..], 0x30, extensionsLength);
            var wrapper = new DerCursor(field.Content);
            var extensions = new DerCursor(wrapper.Read(Asn1Tag.Sequence).Content);
            while (extensions.HasData)
            {
                var extension = extensions.Read();
                if (!IsSctList(extension))
                {
                    extension.Encoded.Span.CopyTo(destination[written..]);
                    written += extension.Encoded.Length;
                }
            }
        }

        return written;
    }

    private static int KeptExtensionsLength(DerElement field)
    {
        var wrapper = new DerCursor(field.Content);
        var extensions = new DerCursor(wrapper.Read(Asn1Tag.Sequence).Content);
        wrapper.End();
        var length = 0;
        while (extensions.HasData)
        {
            var extension = extensions.Read(Asn1Tag.Sequence);
            length += IsSctList(extension) ? 0 : extension.Encoded.Length;
        }

        return length;
    }

    private static bool IsSctList(DerElement extension) =>
        CertificateOids.EmbeddedSctList.Is(new DerCursor(extension.Content).Read(Asn1Tag.ObjectIdentifier).Encoded.Span);

    // The whole length of an element whose content is contentLength bytes (one tag byte, DER definite length).
    private static int ElementLength(int contentLength) => 1 + LengthOfLength(contentLength) + contentLength;

    private static int LengthOfLength(int length) => length switch
    {
        < 0x80 => 1,
        <= 0xFF => 2,
        <= 0xFFFF => 3,
        <= 0xFF_FFFF => 4,
        _ => 5,
    };

    private static int WriteHeader(Span<byte> destination, byte tag, int length)
    {
        destination[0] = tag;
        if (length < 0x80)
        {
            destination[1] = (byte)length;
            return 2;
        }

        var octets = LengthOfLength(length) - 1;
        destination[1] = (byte)(0x80 | octets);
        for (var i = 0; i < octets; i++)
        {
            destination[1 + octets - i] = (byte)(length >> (8 * i));
        }

        return 2 + octets;
    }
}
