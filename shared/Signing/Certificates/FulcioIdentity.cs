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
            foreach (var extension in certificate.Certificate.Extensions)
            {
                switch (extension.Oid?.Value)
                {
                    case FulcioOids.SubjectAlternativeName:
                        ReadGeneralNames(extension.RawData, names);
                        break;
                    case FulcioOids.IssuerV2:
                        issuerV2 = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
                        break;
                    case FulcioOids.IssuerV1:
                        issuerV1 = Encoding.UTF8.GetString(extension.RawData);
                        break;
                }
            }
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"malformed identity extension: {e.Message}", e);
        }

        return new FulcioIdentity(names, issuerV2 ?? issuerV1);
    }

    private static void ReadGeneralNames(byte[] der, List<string> names)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific)
            {
                sequence.ReadEncodedValue();
                continue;
            }

            switch (tag.TagValue)
            {
                case 1 or 2 or 6:
                    names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                    break;
                case 0:
                    var otherName = sequence.ReadSequence(tag);
                    var typeId = otherName.ReadObjectIdentifier();
                    var value = otherName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                    if (typeId == FulcioOids.OtherNameSan)
                    {
                        names.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                    }

                    break;
                default:
                    sequence.ReadEncodedValue();
                    break;
            }
        }
    }
}
