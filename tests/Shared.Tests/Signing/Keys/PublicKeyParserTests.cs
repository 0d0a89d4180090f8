using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Shared.Tests.Signing.Keys;

public sealed class PublicKeyParserTests
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("{\"critical\":{}}");

    [Fact]
    public void ParsePem_EcdsaP256_VerifiesDerSha256Signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verifier = PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem());
        var signature = key.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Equal("ecdsa-p256-sha256", verifier.Name);
        Assert.True(verifier.VerifyMessage(Message, signature));
        Assert.False(verifier.VerifyMessage(Encoding.UTF8.GetBytes("{\"critical\":{ }}"), signature));
    }

    [Fact]
    public void ParsePem_EcdsaP256_RejectsIeeeP1363Signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verifier = PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem());
        var signature = key.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.False(verifier.VerifyMessage(Message, signature));
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    public void ParsePem_EcdsaP384_AcceptsSha256AndSha384(string hash)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var verifier = PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem());
        var signature = key.SignData(Message, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(verifier.VerifyMessage(Message, signature));
        Assert.False(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA512, DSASignatureFormat.Rfc3279DerSequence)));
    }

    [Fact]
    public void Verify_WrongEcdsaKey_False()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verifier = PublicKeyParser.ParsePem(other.ExportSubjectPublicKeyInfoPem());

        Assert.False(verifier.VerifyMessage(Message, signer.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        Assert.False(verifier.VerifyMessage(Message, []));
        Assert.False(verifier.VerifyMessage(Message, [0x30, 0x01, 0x00]));
    }

    [Fact]
    public void ParsePem_Rsa_VerifiesPkcs1AndPss()
    {
        using var key = RSA.Create(2048);
        var verifier = PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem());

        Assert.Equal("rsa2048-sha256", verifier.Name);
        Assert.True(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
        Assert.False(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1)));
        Assert.False(verifier.VerifyMessage(Encoding.UTF8.GetBytes("tampered"), key.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public void ParsePem_RsaPssOnly_RejectsPkcs1()
    {
        using var key = RSA.Create(2048);
        var verifier = PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem(), KeyOptions.RsaPssOnly);

        Assert.False(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
    }

    [Fact]
    public void ParsePem_RsaPublicKeyBlock_ReadsPkcs1AsTheSameKey()
    {
        using var key = RSA.Create(2048);

        var verifier = PublicKeyParser.ParsePem(key.ExportRSAPublicKeyPem());

        Assert.True(verifier.IsSameKey(key.ExportSubjectPublicKeyInfo()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), verifier.KeyIdHex);
        Assert.True(verifier.VerifyMessage(Message, key.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public void ParseDer_Pkcs1RsaKeyGivenAsSubjectPublicKeyInfo_ThrowsFormatException()
    {
        using var key = RSA.Create(2048);

        Assert.Throws<FormatException>(() => PublicKeyParser.ParseDer(key.ExportRSAPublicKey()));
    }

    [Fact]
    public void ParsePem_Rsa1024_ThrowsFormatException()
    {
        using var key = RSA.Create(1024);

        var error = Assert.Throws<FormatException>(() => PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem()));
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsePem_KeyId_IsSha256OfSpki()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();

        var verifier = PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem());

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), verifier.KeyIdHex);
        Assert.True(verifier.IsSameKey(spki));
    }

    [Fact]
    public void ParsePem_SkipsOtherBlocksBeforePublicKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + key.ExportSubjectPublicKeyInfoPem();

        Assert.Equal("ecdsa-p256-sha256", PublicKeyParser.ParsePem(pem).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----")]
    public void ParsePem_Malformed_ThrowsFormatException(string pem)
    {
        Assert.Throws<FormatException>(() => PublicKeyParser.ParsePem(pem));
    }

    [Fact]
    public void ParsePem_UnsupportedCurve_ThrowsFormatException()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("brainpoolP256r1"));

        Assert.Throws<FormatException>(() => PublicKeyParser.ParsePem(key.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void ParsePem_OpensslEd25519_VerifiesOpensslSignature()
    {
        // openssl genpkey -algorithm ed25519; openssl pkeyutl -sign -rawin -in payload.json
        const string pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAaNRqr9qBkqA4eCTRi90LatQCBHEHRi7ENpjmhdBs9wY=\n-----END PUBLIC KEY-----\n";
        const string payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"example.com/app\"},\"image\":{\"docker-manifest-digest\":\"sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
        var signature = Convert.FromBase64String("8RDgUXZBzXU3mR1iNrvGvrZFQF3spVVv+tn9EB+4gn74munukGkvyVHlUnugNpdRdlCxQrO3+WcFOc7cYnV/DQ==");

        var verifier = PublicKeyParser.ParsePem(pem);

        Assert.Equal("ed25519", verifier.Name);
        Assert.True(verifier.VerifyMessage(Encoding.UTF8.GetBytes(payload), signature));
        Assert.False(verifier.VerifyMessage(Encoding.UTF8.GetBytes(payload.Replace("app", "apq", StringComparison.Ordinal)), signature));
    }
}
