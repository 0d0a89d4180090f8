using System.Formats.Asn1;

namespace ImageTrust.Signing.Certificates;

/// <summary>
/// An object identifier together with its DER encoding, so certificate fields are compared as bytes rather than decoded to
/// dotted strings on every verification.
/// </summary>
internal sealed class KnownOid
{
    private readonly byte[] _encoded;

    /// <summary>Encodes <paramref name="value"/>.</summary>
    /// <param name="value">The dotted form, e.g. <c>2.5.29.37</c>.</param>
    public KnownOid(string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(value);
        Value = value;
        _encoded = writer.Encode();
    }

    /// <summary>The dotted form.</summary>
    public string Value { get; }

    /// <summary>The whole DER element (tag, length, content).</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>Whether <paramref name="element"/> (a whole DER element) is this identifier.</summary>
    public bool Is(ReadOnlySpan<byte> element) => element.SequenceEqual(Encoded);

    /// <summary>The one of <paramref name="candidates"/> that <paramref name="element"/> (a whole DER element) is, or null.</summary>
    public static KnownOid? FindIn(ReadOnlySpan<KnownOid> candidates, ReadOnlySpan<byte> element)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Is(element))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
