using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CsCheck;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Verifier;
using ImageTrust.TestSupport.Fixtures;

namespace ImageTrust.Shared.Tests.Signing.Certificates;

/// <summary>
/// ParsedCertificate reads certificates from their DER itself; X509Certificate2 (OpenSSL) is the oracle. Whenever our
/// reading accepts a certificate, every field and extension it reports must be what X509Certificate2 reports.
/// </summary>
public sealed class ParsedCertificateDifferentialTests
{
    private static readonly KnownOid[] ReadExtensions =
    [
        CertificateOids.BasicConstraints, CertificateOids.ExtendedKeyUsage, CertificateOids.SubjectAlternativeName,
        CertificateOids.IssuerV1, CertificateOids.IssuerV2, CertificateOids.EmbeddedSctList,
    ];

    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Der)>> Corpus = new(LoadCorpus);

    [Fact]
    public void Load_FixtureAndConformanceCertificates_ReadsWhatX509Certificate2Reads()
    {
        Assert.True(Corpus.Value.Count >= 40, $"only {Corpus.Value.Count} certificates in the corpus");
        foreach (var (name, der) in Corpus.Value)
        {
            Assert.True(Agrees(der), $"{name}: {Refusal(der)}");
        }
    }

    [Fact]
    public void Load_MutatedCertificates_NeverReadsOtherwiseThanX509Certificate2()
    {
        var accepted = 0;
        Gen.Int.Sample(
            seed =>
            {
                var random = new Random(seed);
                var der = DerMutations.Mutate(random, Corpus.Value[random.Next(Corpus.Value.Count)].Der);
                if (Agrees(der))
                {
                    Interlocked.Increment(ref accepted);
                }
            },
            iter: 20_000);

        // A property over inputs that are all refused would say nothing: many mutations (signature bytes, names) still load.
        Assert.True(accepted > 1_000, $"only {accepted} of 20,000 mutated certificates were accepted");
    }

    [Fact]
    public void Load_GeneratedCertificates_ExtensionsIdentityAndUsageAsBuilt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Gen.Int.Sample(
            seed =>
            {
                var random = new Random(seed);
                var built = BuildRandomCertificate(random, key);
                using var platform = X509CertificateLoader.LoadCertificate(built.Der);
                var parsed = ParsedCertificate.Load(built.Der);

                Assert.True(Agrees(built.Der));
                Assert.Equal(built.IsCa, parsed.IsCertificateAuthority);
                Assert.Equal(built.NotBefore, parsed.NotBefore);
                Assert.Equal(built.NotAfter, parsed.NotAfter);
                Assert.Equal(built.CodeSigning, ExtendedKeyUsageCheck.Verify(parsed, CertificateOids.CodeSigningUsage).Passed);
                Assert.Equal(built.TimeStamping, ExtendedKeyUsageCheck.Verify(parsed, CertificateOids.TimeStampingUsage).Passed);
                var identity = FulcioIdentity.From(parsed);
                Assert.Equal(built.Names, identity.SubjectAlternativeNames);
                Assert.Equal(built.Issuer, identity.Issuer);
            },
            iter: 300);
    }

    [Fact]
    public void Load_DuplicateExtension_Refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=twice", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CertificateOids.TimeStampingUsage.Value)], false));
        var policyConstraints = new X509EnhancedKeyUsageExtension([new Oid(CertificateOids.CodeSigningUsage.Value)], false).RawData;
        request.CertificateExtensions.Add(new X509Extension("2.5.29.36", policyConstraints, false));
        using var built = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));

        // CertificateRequest refuses duplicates, so the second extension's OID 2.5.29.36 is rewritten to 2.5.29.37 (same length).
        var der = built.RawData;
        var at = der.AsSpan().IndexOf((byte[])[0x06, 0x03, 0x55, 0x1D, 0x24]);
        der[at + 4] = 0x25;
        using var certificate = X509CertificateLoader.LoadCertificate(der);

        // OpenSSL loads it; which of the two an X.509 reader honours differs between libraries, so we refuse it (as Go does).
        Assert.Equal(2, certificate.Extensions.Count(extension => extension.Oid!.Value == CertificateOids.ExtendedKeyUsage.Value));
        var error = Assert.Throws<FormatException>(() => ParsedCertificate.Load(der));
        Assert.Contains("2.5.29.37 appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InnerAndOuterSignatureAlgorithmsDiffer_Refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=algorithms", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
        var der = certificate.RawData;
        byte[] ecdsaWithSha256 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
        Assert.Equal("1.2.840.10045.4.3.2", ParsedCertificate.Load(der).SignatureAlgorithm);

        // The first occurrence is the TBS's own field; make it ecdsa-with-SHA384 while the outer one stays SHA-256.
        der[der.AsSpan().IndexOf(ecdsaWithSha256) + ecdsaWithSha256.Length - 1] = 0x03;

        var error = Assert.Throws<FormatException>(() => ParsedCertificate.Load(der));
        Assert.Contains("signature algorithm inside and outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TrailingData_Refused()
    {
        var der = Corpus.Value[0].Der;

        Assert.Throws<FormatException>(() => ParsedCertificate.From(X509CertificateLoader.LoadCertificate(der), der.Append((byte)0).ToArray()));
    }

    [Theory]
    [InlineData("30 03 01 01 FF", true)]
    [InlineData("30 06 01 01 FF 02 01 00", true)]
    [InlineData("30 00", false)]
    [InlineData("30 03 02 01 00", false)]
    public void Load_BasicConstraints_CaFlagRead(string constraints, bool isCa)
    {
        var parsed = ParsedCertificate.Load(WithExtension(CertificateOids.BasicConstraints, Convert.FromHexString(constraints.Replace(" ", string.Empty, StringComparison.Ordinal))));

        Assert.Equal(isCa, parsed.IsCertificateAuthority);
    }

    [Theory]
    [InlineData("30 03 01 01 01")]
    [InlineData("30 03 01 01 FF 00")]
    [InlineData("31 03 01 01 FF")]
    [InlineData("30 03 01 01 FF 05 00")]
    public void Load_MalformedBasicConstraints_Refused(string constraints)
    {
        var der = WithExtension(CertificateOids.BasicConstraints, Convert.FromHexString(constraints.Replace(" ", string.Empty, StringComparison.Ordinal)));

        Assert.ThrowsAny<Exception>(() => ParsedCertificate.Load(der));
    }

    [Fact]
    public void Verify_MalformedExtendedKeyUsage_FailsWithReason()
    {
        var parsed = ParsedCertificate.Load(WithExtension(CertificateOids.ExtendedKeyUsage, [0x30, 0x03, 0x02, 0x01, 0x00]));

        var result = ExtendedKeyUsageCheck.Verify(parsed, CertificateOids.CodeSigningUsage);

        Assert.False(result.Passed);
        Assert.Equal("EXTENDED_KEY_USAGE_MALFORMED", result.ReasonCode);
    }

    // Whether ParsedCertificate accepted der; when it did, X509Certificate2 must have too and agree on every field read.
    private static bool Agrees(byte[] der)
    {
        ParsedCertificate parsed;
        try
        {
            parsed = ParsedCertificate.Load(der);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }

        using var platform = X509CertificateLoader.LoadCertificate(der);
        Assert.True(parsed.SubjectName.Span.SequenceEqual(platform.SubjectName.RawData), "subject");
        Assert.True(parsed.IssuerName.Span.SequenceEqual(platform.IssuerName.RawData), "issuer");
        Assert.Equal(new DateTimeOffset(platform.NotBefore.ToUniversalTime()), parsed.NotBefore);
        Assert.Equal(new DateTimeOffset(platform.NotAfter.ToUniversalTime()), parsed.NotAfter);
        Assert.Equal(platform.SignatureAlgorithm.Value, parsed.SignatureAlgorithm);
        Assert.True(parsed.RawData.Span.SequenceEqual(platform.RawData), "DER");
        if (parsed.PublicKey is { } key)
        {
            Assert.Equal(platform.PublicKey.ExportSubjectPublicKeyInfo(), key.SubjectPublicKeyInfo);
        }

        var platformExtensions = platform.Extensions.ToDictionary(extension => extension.Oid!.Value!, extension => extension.RawData);
        foreach (var oid in ReadExtensions)
        {
            Assert.Equal(platformExtensions.TryGetValue(oid.Value, out var expected), parsed.TryGetExtension(oid, out var value));
            Assert.Equal(expected ?? [], value.ToArray());
        }

        foreach (var (oid, rawData) in platformExtensions)
        {
            Assert.True(parsed.TryGetExtension(new KnownOid(oid), out var value), oid);
            Assert.Equal(rawData, value.ToArray());
        }

        var handled = new[] { "2.5.29.15", "2.5.29.19", "2.5.29.17", "2.5.29.37", "2.5.29.14", "2.5.29.35", "2.5.29.32", "2.5.29.31", "1.3.6.1.5.5.7.1.1" };
        Assert.Equal(
            platform.Extensions.FirstOrDefault(extension => extension.Critical && !handled.Contains(extension.Oid!.Value))?.Oid!.Value,
            parsed.UnhandledCriticalExtension);

        var platformIsCa = platform.Extensions.OfType<X509BasicConstraintsExtension>().Any(extension => extension.CertificateAuthority);
        Assert.Equal(platformIsCa, parsed.IsCertificateAuthority);
        return true;
    }

    private static bool LoadsAsCertificate(byte[] der)
    {
        try
        {
            X509CertificateLoader.LoadCertificate(der).Dispose();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string Refusal(byte[] der)
    {
        try
        {
            ParsedCertificate.Load(der);
            return "accepted";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    private static (byte[] Der, bool IsCa, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool CodeSigning, bool TimeStamping, IReadOnlyList<string> Names, string? Issuer) BuildRandomCertificate(Random random, ECDsa key)
    {
        var request = new CertificateRequest("CN=generated", key, HashAlgorithmName.SHA256);
        var isCa = random.Next(3) == 0;
        if (random.Next(4) != 0)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, isCa && random.Next(2) == 0, random.Next(4), random.Next(2) == 0));
        }
        else
        {
            isCa = false;
        }

        var usages = new OidCollection();
        var codeSigning = random.Next(2) == 0;
        var timeStamping = random.Next(2) == 0;
        if (random.Next(2) == 0)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        }

        if (codeSigning)
        {
            usages.Add(new Oid(CertificateOids.CodeSigningUsage.Value));
        }

        if (timeStamping)
        {
            usages.Add(new Oid(CertificateOids.TimeStampingUsage.Value));
        }

        if (usages.Count > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, random.Next(2) == 0));
        }

        var names = new List<string>();
        var builder = new SubjectAlternativeNameBuilder();
        for (var count = random.Next(4); count > 0; count--)
        {
            switch (random.Next(3))
            {
                case 0:
                    var email = $"user{random.Next(1000)}@example.com";
                    builder.AddEmailAddress(email);
                    names.Add(email);
                    break;
                case 1:
                    var uri = $"https://github.com/org/repo/.github/workflows/w{random.Next(100)}.yml@refs/heads/main";
                    builder.AddUri(new Uri(uri));
                    names.Add(uri);
                    break;
                default:
                    var dns = $"host{random.Next(100)}.example.com";
                    builder.AddDnsName(dns);
                    names.Add(dns);
                    break;
            }
        }

        if (names.Count > 0)
        {
            request.CertificateExtensions.Add(builder.Build(random.Next(2) == 0));
        }

        string? issuer = null;
        var issuerText = $"https://issuer{random.Next(10)}.example.com";
        switch (random.Next(4))
        {
            case 0:
                request.CertificateExtensions.Add(new X509Extension(CertificateOids.IssuerV1.Value, Encoding.UTF8.GetBytes(issuerText), false));
                issuer = issuerText;
                break;
            case 1:
                var writer = new AsnWriter(AsnEncodingRules.DER);
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, issuerText);
                request.CertificateExtensions.Add(new X509Extension(CertificateOids.IssuerV2.Value, writer.Encode(), false));
                issuer = issuerText;
                break;
        }

        // UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5); whole seconds, as certificates carry them.
        var notBefore = new DateTimeOffset(1951 + random.Next(140), 1 + random.Next(12), 1 + random.Next(28), random.Next(24), random.Next(60), random.Next(60), TimeSpan.Zero);
        var notAfter = notBefore.AddSeconds(1 + random.Next(100_000_000));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return (certificate.RawData, isCa, notBefore, notAfter, codeSigning, timeStamping, names, issuer);
    }

    private static byte[] WithExtension(KnownOid oid, byte[] value)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=extension", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(oid.Value, value, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(10));
        return certificate.RawData;
    }

    private static IReadOnlyList<(string Name, byte[] Der)> LoadCorpus()
    {
        var corpus = new List<(string, byte[])>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FixturesDirectory.Find(), "keys"), "*.crt.pem", SearchOption.AllDirectories))
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(file));
            corpus.Add((file, certificate.RawData));
        }

        var vectors = Path.Combine(AppContext.BaseDirectory, "Conformance", "vectors");
        foreach (var file in Directory.EnumerateFiles(vectors, "*.json", SearchOption.AllDirectories))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllBytes(file));
            }
            catch (JsonException)
            {
                continue; // some vectors are deliberately not JSON
            }

            using (document)
            {
                CollectRawBytes(file, document.RootElement, corpus);
            }
        }

        return corpus;
    }

    // Every "rawBytes" that X509Certificate2 loads as a certificate (keys and deliberately broken ones are left out).
    private static void CollectRawBytes(string file, JsonElement element, List<(string, byte[])> corpus)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "rawBytes" && property.Value.ValueKind == JsonValueKind.String && property.Value.TryGetBytesFromBase64(out var bytes) && LoadsAsCertificate(bytes))
                    {
                        corpus.Add(($"{file} {property.Name}", bytes));
                    }
                    else
                    {
                        CollectRawBytes(file, property.Value, corpus);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectRawBytes(file, item, corpus);
                }

                break;
        }
    }
}
