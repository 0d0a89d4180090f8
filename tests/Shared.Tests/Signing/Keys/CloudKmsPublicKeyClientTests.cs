using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Shared.Tests.Signing.Keys;

public sealed class CloudKmsPublicKeyClientTests
{
    private const string KeyUri = "gcpkms://projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/3";

    [Fact]
    public async Task GetPublicKeyAsync_EcP256_FetchesKeyWithBearerToken()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var server = new LoopbackHttpServer(_ => (200, KmsResponse(key.ExportSubjectPublicKeyInfoPem(), "EC_SIGN_P256_SHA256")));
        using var http = new HttpClient();
        var client = new CloudKmsPublicKeyClient(http, _ => ValueTask.FromResult("token-1"), server.BaseAddress);

        var verifier = await client.GetPublicKeyAsync(CloudKmsKeyName.Parse(KeyUri));

        var message = Encoding.UTF8.GetBytes("payload");
        Assert.True(verifier.VerifyMessage(message, key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/3/publicKey", request.Path);
        Assert.Equal("Bearer token-1", request.Authorization);
    }

    [Fact]
    public async Task GetPublicKeyAsync_RsaPss_RejectsPkcs1Signatures()
    {
        using var key = RSA.Create(2048);
        await using var server = new LoopbackHttpServer(_ => (200, KmsResponse(key.ExportSubjectPublicKeyInfoPem(), "RSA_SIGN_PSS_2048_SHA256")));
        using var http = new HttpClient();
        var client = new CloudKmsPublicKeyClient(http, _ => ValueTask.FromResult("t"), server.BaseAddress);

        var verifier = await client.GetPublicKeyAsync(CloudKmsKeyName.Parse(KeyUri));

        var message = Encoding.UTF8.GetBytes("payload");
        Assert.False(verifier.VerifyMessage(message, key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(verifier.VerifyMessage(message, key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
    }

    [Fact]
    public async Task GetPublicKeyAsync_UnsupportedAlgorithm_ThrowsConfigurationException()
    {
        using var key = RSA.Create(2048);
        await using var server = new LoopbackHttpServer(_ => (200, KmsResponse(key.ExportSubjectPublicKeyInfoPem(), "RSA_DECRYPT_OAEP_2048_SHA256")));
        using var http = new HttpClient();
        var client = new CloudKmsPublicKeyClient(http, _ => ValueTask.FromResult("t"), server.BaseAddress);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => client.GetPublicKeyAsync(CloudKmsKeyName.Parse(KeyUri)));
        Assert.Contains("RSA_DECRYPT_OAEP_2048_SHA256", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, typeof(ConfigurationException))]
    [InlineData(403, typeof(ConfigurationException))]
    [InlineData(503, typeof(TransientFailureException))]
    [InlineData(429, typeof(TransientFailureException))]
    public async Task GetPublicKeyAsync_ErrorStatus_MapsToOutcomeClass(int status, Type expected)
    {
        await using var server = new LoopbackHttpServer(_ => (status, "{}"));
        using var http = new HttpClient();
        var client = new CloudKmsPublicKeyClient(http, _ => ValueTask.FromResult("t"), server.BaseAddress);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetPublicKeyAsync(CloudKmsKeyName.Parse(KeyUri)));
        Assert.IsType(expected, error);
    }

    [Fact]
    public async Task GetPublicKeyAsync_OversizedResponse_ThrowsConfigurationException()
    {
        await using var server = new LoopbackHttpServer(_ => (200, "{\"pem\":\"" + new string('A', 200_000) + "\"}"));
        using var http = new HttpClient();
        var client = new CloudKmsPublicKeyClient(http, _ => ValueTask.FromResult("t"), server.BaseAddress);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => client.GetPublicKeyAsync(CloudKmsKeyName.Parse(KeyUri)));
        Assert.Contains("larger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPublicKeyAsync_Unreachable_ThrowsTransientFailureException()
    {
        using var http = new HttpClient();
        var client = new CloudKmsPublicKeyClient(http, _ => ValueTask.FromResult("t"), new Uri($"http://127.0.0.1:{ImageTrust.TestSupport.FreePort.Next()}/"));

        await Assert.ThrowsAsync<TransientFailureException>(() => client.GetPublicKeyAsync(CloudKmsKeyName.Parse(KeyUri)));
    }

    [Theory]
    [InlineData("projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1")]
    [InlineData("gcpkms://projects/my-project/locations/l/keyRings/r/cryptoKeys/k")]
    [InlineData("gcpkms://projects/my-project/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/x")]
    [InlineData("gcpkms://projects/my-project/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1/../../x")]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => CloudKmsKeyName.Parse(text));
    }

    [Theory]
    [InlineData(KeyUri + "\n")]
    [InlineData("gcpkms://projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/\n")]
    public void Parse_TrailingNewline_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => CloudKmsKeyName.Parse(text));
    }

    private static string KmsResponse(string pem, string algorithm)
        => JsonSerializer.Serialize(new Dictionary<string, string> { ["pem"] = pem, ["algorithm"] = algorithm, ["name"] = "x" });
}
