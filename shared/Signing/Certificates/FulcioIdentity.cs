using System.Formats.Asn1;
using System.Text;

namespace ImageTrust.Signing.Certificates;

/// <summary>The identity a Fulcio certificate asserts: every subject alternative name and the OIDC issuer.</summary>
/// <param name="SubjectAlternativeNames">Email, URI, DNS and Fulcio OtherName SAN values, in certificate order.</param>
/// <param name="Issuer">The OIDC issuer from OID <c>.1.8</c>, falling back to <c>.1.1</c>; null when absent.</param>
internal sealed record FulcioIdentity(IReadOnlyList<string> SubjectAlternativeNames, string? Issuer)
{
    /// <summary>Reads the identity from <paramref name="certificate"/>.</summary>
    /// <exception cref="FormatException">The SAN or issuer extension is malformed DER.</exception>
    public static FulcioIdentity From(ParsedCertificate certificate)
    {
        var names = new List<string>();
        string? issuerV1 = null;
        string? issuerV2 = null;
        try
        {
            if (certificate.TryGetExtension(CertificateOids.SubjectAlternativeName, out var alternativeNames))
            {
                ReadGeneralNames(alternativeNames, names);
            }

            if (certificate.TryGetExtension(CertificateOids.IssuerV2, out var v2))
            {
                issuerV2 = AsnDecoder.ReadCharacterString(v2.Span, AsnEncodingRules.DER, UniversalTagNumber.UTF8String, out var read);
                if (read != v2.Length)
                {
                    throw new AsnContentException("unexpected data after the issuer");
                }
            }

            if (certificate.TryGetExtension(CertificateOids.IssuerV1, out var v1))
            {
                issuerV1 = Encoding.UTF8.GetString(v1.Span);
            }
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"malformed identity extension: {e.Message}", e);
        }

        return new FulcioIdentity(names, issuerV2 ?? issuerV1);
    }

    // GeneralNames ::= SEQUENCE OF GeneralName; rfc822Name [1], dNSName [2] and URI [6] are IA5Strings, otherName [0] is
    // SEQUENCE { type-id OID, value [0] EXPLICIT ANY } (Fulcio's username: a UTF8String); other kinds are skipped.
    private static void ReadGeneralNames(ReadOnlyMemory<byte> value, List<string> names)
    {
        var outer = new DerCursor(value);
        var sequence = new DerCursor(outer.Read(Asn1Tag.Sequence).Content);
        outer.End();
        while (sequence.HasData)
        {
            var name = sequence.Read();
            if (name.Tag.TagClass != TagClass.ContextSpecific)
            {
                continue;
            }

            switch (name.Tag.TagValue)
            {
                case 1 or 2 or 6:
                    names.Add(AsnDecoder.ReadCharacterString(name.Encoded.Span, AsnEncodingRules.DER, UniversalTagNumber.IA5String, out _, name.Tag));
                    break;
                case 0:
                    if (!name.Tag.IsConstructed)
                    {
                        throw new AsnContentException("an otherName must be constructed");
                    }

                    var otherName = new DerCursor(name.Content);
                    var typeId = otherName.Read(Asn1Tag.ObjectIdentifier);
                    var explicitValue = new DerCursor(otherName.Read(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).Content);
                    if (CertificateOids.OtherNameSan.Is(typeId.Encoded.Span))
                    {
                        names.Add(AsnDecoder.ReadCharacterString(explicitValue.Read().Encoded.Span, AsnEncodingRules.DER, UniversalTagNumber.UTF8String, out _));
                    }

                    break;
            }
        }
    }
}
