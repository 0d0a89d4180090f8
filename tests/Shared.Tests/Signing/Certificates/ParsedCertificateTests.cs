using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Classic;
using ImageTrust.TestSupport.Fixtures;

namespace ImageTrust.Shared.Tests.Signing.Certificates;

public sealed class ParsedCertificateTests
{
    [Fact]
    public void From_CommittedFixtureCertificates_SlicesMatchX509Certificate2()
    {
        var certificates = FixtureCertificates().ToList();

        Assert.True(certificates.Count >= 10, $"only {certificates.Count} certificates found in the fixtures");
        foreach (var (name, certificate) in certificates)
        {
            using (certificate)
            {
                var parsed = ParsedCertificate.From(certificate);

                Assert.True(parsed.SubjectName.Span.SequenceEqual(certificate.SubjectName.RawData), name);
                Assert.True(parsed.IssuerName.Span.SequenceEqual(certificate.IssuerName.RawData), name);
                Assert.NotNull(parsed.PublicKey);
                Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), parsed.PublicKey.SubjectPublicKeyInfo);
                Assert.Equal(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), parsed.NotBefore);
                Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), parsed.NotAfter);
                Assert.Equal(certificate.SignatureAlgorithm.Value, parsed.SignatureAlgorithm);
                Assert.Equal(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(extension => extension.CertificateAuthority), parsed.IsCertificateAuthority);
                Assert.Equal(parsed.IsSelfIssued, certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData));
            }
        }
    }

    [Fact]
    public void IsSignedByUncached_FixtureChain_VerifiesEveryLinkAndRejectsOtherIssuer()
    {
        var keys = Path.Combine(FixturesDirectory.Find(), "keys", "keyless");
        using var rootCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(keys, "TEST-ONLY-fulcio-root.crt.pem")));
        using var intermediateCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(keys, "TEST-ONLY-fulcio-intermediate.crt.pem")));
        using var untrustedCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(keys, "TEST-ONLY-untrusted-root.crt.pem")));
        var root = ParsedCertificate.From(rootCertificate);
        var intermediate = ParsedCertificate.From(intermediateCertificate);
        var untrusted = ParsedCertificate.From(untrustedCertificate);

        Assert.True(intermediate.IsSignedByUncached(root));
        Assert.True(intermediate.IsSignedBy(root));
        Assert.False(intermediate.IsSignedByUncached(untrusted));
        Assert.False(root.IsSignedByUncached(intermediate));
    }

    private static IEnumerable<(string Name, X509Certificate2 Certificate)> FixtureCertificates()
    {
        var fixtures = FixturesDirectory.Find();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(fixtures, "keys"), "*.crt.pem", SearchOption.AllDirectories))
        {
            yield return (file, X509Certificate2.CreateFromPem(File.ReadAllText(file)));
        }

        // The keyless leaves: the certificate annotations of the committed signature manifests.
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(fixtures, "registry", "blobs"), "*", SearchOption.AllDirectories))
        {
            var content = File.ReadAllBytes(blob);
            if (content.Length == 0 || content[0] != (byte)'{' || !Encoding.UTF8.GetString(content).Contains(CosignAnnotations.Certificate, StringComparison.Ordinal))
            {
                continue;
            }

            SignatureManifest manifest;
            try
            {
                manifest = SignatureManifest.Parse(content);
            }
            catch (FormatException)
            {
                continue;
            }

            foreach (var layer in manifest.Layers)
            {
                if (layer.Certificate?.ToString() is { } pem)
                {
                    X509Certificate2 leaf;
                    try
                    {
                        leaf = X509Certificate2.CreateFromPem(pem);
                    }
                    catch (System.Security.Cryptography.CryptographicException)
                    {
                        continue;
                    }

                    yield return ($"{blob} layer {layer.Index}", leaf);
                }
            }
        }
    }
}
