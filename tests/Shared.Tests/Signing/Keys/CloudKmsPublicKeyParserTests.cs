using System.Security.Cryptography;
using System.Text;
using ImageTrust.Model;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Shared.Tests.Signing.Keys;

public sealed class CloudKmsPublicKeyParserTests
{
    private static readonly CloudKmsKeyName Key = CloudKmsKeyName.Parse("gcpkms://projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/3");

    [Fact]
    public void Parse_EcP256_VerifiesTheKeysSignatures()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var verifier = CloudKmsPublicKeyParser.Parse(new CloudKmsPublicKey(Key, key.ExportSubjectPublicKeyInfoPem(), "EC_SIGN_P256_SHA256"));

        var message = Encoding.UTF8.GetBytes("payload");
        Assert.True(verifier.VerifyMessage(message, key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
    }

    [Fact]
    public void Parse_RsaPss_RejectsPkcs1Signatures()
    {
        using var key = RSA.Create(2048);

        var verifier = CloudKmsPublicKeyParser.Parse(new CloudKmsPublicKey(Key, key.ExportSubjectPublicKeyInfoPem(), "RSA_SIGN_PSS_2048_SHA256"));

        var message = Encoding.UTF8.GetBytes("payload");
        Assert.False(verifier.VerifyMessage(message, key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(verifier.VerifyMessage(message, key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
    }

    [Fact]
    public void Parse_UnsupportedAlgorithm_ThrowsConfigurationExceptionNamingIt()
    {
        using var key = RSA.Create(2048);

        var error = Assert.Throws<ConfigurationException>(() => CloudKmsPublicKeyParser.Parse(new CloudKmsPublicKey(Key, key.ExportSubjectPublicKeyInfoPem(), "RSA_DECRYPT_OAEP_2048_SHA256")));

        Assert.Contains("RSA_DECRYPT_OAEP_2048_SHA256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PemThatIsNoKey_ThrowsConfigurationException()
    {
        var error = Assert.Throws<ConfigurationException>(() => CloudKmsPublicKeyParser.Parse(new CloudKmsPublicKey(Key, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "EC_SIGN_P256_SHA256")));

        Assert.Contains("not usable", error.Message, StringComparison.Ordinal);
    }
}
