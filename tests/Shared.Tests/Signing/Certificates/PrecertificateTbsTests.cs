using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using ImageTrust.Signing.Certificates;

namespace ImageTrust.Shared.Tests.Signing.Certificates;

public sealed class PrecertificateTbsTests
{
    [Fact]
    public void Write_ConformanceFulcioLeaf_SameAsAsnWriterOracle()
    {
        var leaf = ConformanceMaterial.Leaf("happy-path-v0.3");
        Assert.True(leaf.TryGetExtension(CertificateOids.EmbeddedSctList, out _));

        var written = Write(leaf.TbsCertificate);

        Assert.Equal(AsnWriterOracle(leaf.TbsCertificate), written);
        Assert.True(written.Length < leaf.TbsCertificate.Length);
    }

    [Fact]
    public void Write_GeneratedCertificates_SameAsAsnWriterOracle()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Gen.Int.Sample(
            seed =>
            {
                var random = new Random(seed);
                var request = new CertificateRequest("CN=precertificate", key, HashAlgorithmName.SHA256);
                var extensions = random.Next(5);
                var sctAt = random.Next(3) == 0 ? -1 : random.Next(extensions + 1);
                for (var i = 0; i <= extensions; i++)
                {
                    if (i == sctAt)
                    {
                        var list = new AsnWriter(AsnEncodingRules.DER);
                        list.WriteOctetString(RandomBytes(random, random.Next(2) == 0 ? random.Next(1, 200) : random.Next(200, 70_000)));
                        request.CertificateExtensions.Add(new X509Extension(CertificateOids.EmbeddedSctList.Value, list.Encode(), false));
                    }
                    else if (i < extensions)
                    {
                        request.CertificateExtensions.Add(new X509Extension($"1.2.3.{i}", RandomBytes(random, random.Next(2) == 0 ? random.Next(0, 130) : random.Next(130, 70_000)), random.Next(2) == 0));
                    }
                }

                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
                var parsed = ParsedCertificate.Load(certificate.RawData);

                Assert.Equal(AsnWriterOracle(parsed.TbsCertificate), Write(parsed.TbsCertificate));
            },
            iter: 300);
    }

    private static byte[] Write(ReadOnlyMemory<byte> tbs)
    {
        var buffer = new byte[PrecertificateTbs.MaxLength(tbs)];
        return buffer.AsSpan(0, PrecertificateTbs.Write(tbs, buffer)).ToArray();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    // The earlier implementation: re-encode the TBS through AsnWriter, leaving the SCT-list extension out.
    private static byte[] AsnWriterOracle(ReadOnlyMemory<byte> tbs)
    {
        var reader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            while (reader.HasData)
            {
                if (reader.PeekTag().HasSameClassAndValue(extensionsTag))
                {
                    var extensions = reader.ReadSequence(extensionsTag).ReadSequence();
                    using (writer.PushSequence(extensionsTag))
                    using (writer.PushSequence())
                    {
                        while (extensions.HasData)
                        {
                            var encoded = extensions.ReadEncodedValue();
                            if (new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier() != CertificateOids.EmbeddedSctList.Value)
                            {
                                writer.WriteEncodedValue(encoded.Span);
                            }
                        }
                    }
                }
                else
                {
                    writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
                }
            }
        }

        return writer.Encode();
    }
}
