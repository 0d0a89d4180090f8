using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Kms;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.Kms;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.Kms;

public sealed class RestCloudKmsSignerTests
{
    private const string KeyVersion = "projects/attestor-project/locations/global/keyRings/imagetrust/cryptoKeys/attestor/cryptoKeyVersions/1";
    private static readonly CloudKmsKeyName Key = CloudKmsKeyName.Parse("gcpkms://" + KeyVersion);
    private static readonly RetryPolicy FastRetry = new() { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20), MaxAttempts = 3, TotalTimeout = TimeSpan.FromSeconds(10) };
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes("{\n  \"critical\": {}\n}\n");

    [Theory]
    [InlineData("EC_SIGN_P256_SHA256", "-sha256", false)]
    [InlineData("EC_SIGN_P384_SHA384", "-sha384", false)]
    [InlineData("RSA_SIGN_PKCS1_2048_SHA256", "-sha256", false)]
    [InlineData("RSA_SIGN_PKCS1_4096_SHA512", "-sha512", false)]
    [InlineData("RSA_SIGN_PSS_2048_SHA256", "-sha256", true)]
    public async Task SignAsync_Algorithm_SignatureVerifiesWithOpensslAgainstThePublicKey(string algorithm, string digestFlag, bool pss)
    {
        await using var kms = await CloudKmsStandIn.StartAsync(KeyVersion, algorithm);

        var signature = await Create(kms.BaseUri).SignAsync(Key, Payload);

        Assert.Equal(algorithm, signature.Algorithm);
        Assert.Equal(1, kms.SignCount);
        Assert.True(await OpensslVerifiesAsync(kms.PublicKeyPem, Payload, [.. signature.Signature], digestFlag, pss), "openssl rejected the signature");
    }

    [Fact]
    public async Task SignAsync_RequestAndResponse_ValidateAgainstTheDiscoveryDocument()
    {
        await using var kms = await CloudKmsStandIn.StartAsync(KeyVersion);

        await Create(kms.BaseUri).SignAsync(Key, Payload);

        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("cloudkms.v1.json"));
        Assert.Contains(kms.Exchanged, e => e.Schema == "AsymmetricSignRequest");
        Assert.Contains(kms.Exchanged, e => e.Schema == "AsymmetricSignResponse");
        Assert.Contains(kms.Exchanged, e => e.Schema == "PublicKey");
        foreach (var (schema, json) in kms.Exchanged)
        {
            Assert.Empty(checker.Check(JsonNode.Parse(json), schema));
        }

        var request = JsonNode.Parse(kms.Exchanged.First(e => e.Schema == "AsymmetricSignRequest").Json)!;
        Assert.Equal(CloudKmsStandIn.Crc32C(Convert.FromBase64String(request["digest"]!["sha256"]!.GetValue<string>())).ToString(System.Globalization.CultureInfo.InvariantCulture), request["digestCrc32c"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignAsync_SignatureChecksumWrong_ThrowsTransientFailure()
    {
        await using var kms = await CloudKmsStandIn.StartAsync(KeyVersion);
        kms.CorruptNextChecksum = true;

        var exception = await Assert.ThrowsAsync<TransientFailureException>(() => Create(kms.BaseUri).SignAsync(Key, Payload));

        Assert.Contains("signatureCrc32c", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_Unavailable_ThenSucceeds()
    {
        await using var kms = await CloudKmsStandIn.StartAsync(KeyVersion);
        var signer = Create(kms.BaseUri);
        await signer.SignAsync(Key, Payload);
        kms.FailNext(HttpStatusCode.ServiceUnavailable);

        var signature = await signer.SignAsync(Key, Payload);

        Assert.Equal(2, kms.SignCount);
        Assert.False(signature.Signature.IsEmpty);
    }

    [Theory]
    [InlineData("{\"name\":\"" + KeyVersion + "\",\"signature\":\"AAAA\",\"signatureCrc32c\":\"1\"}", "verifiedDigestCrc32c")]
    [InlineData("{\"name\":\"projects/other/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1\",\"verifiedDigestCrc32c\":true,\"signature\":\"AAAA\",\"signatureCrc32c\":\"1\"}", "another key version")]
    [InlineData("{\"name\":\"" + KeyVersion + "\",\"verifiedDigestCrc32c\":true,\"signature\":\"AAAA\"}", "signatureCrc32c")]
    [InlineData("{\"name\":\"" + KeyVersion + "\",\"verifiedDigestCrc32c\":true,\"signature\":\"AAAA\",\"signatureCrc32c\":\"1617208186\"}", "does not verify")]
    public async Task SignAsync_AnswerFailsAnIntegrityCheck_ThrowsTransientFailureNamingIt(string answer, string reason)
    {
        var pem = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfoPem();
        await using var server = await LoopbackHttpServer.StartAsync(context => context.Request.Method == "GET"
            ? WriteAsync(context, new JsonObject { ["pem"] = pem, ["algorithm"] = "EC_SIGN_P256_SHA256" }.ToJsonString())
            : WriteAsync(context, answer));

        var exception = await Assert.ThrowsAsync<TransientFailureException>(() => Create(server.BaseUri).SignAsync(Key, Payload));

        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_UnsupportedAlgorithm_ThrowsConfigurationExceptionWithoutSigning()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => WriteAsync(context, new JsonObject { ["pem"] = "PEM", ["algorithm"] = "RSA_SIGN_RAW_PKCS1_2048" }.ToJsonString()));

        var exception = await Assert.ThrowsAsync<ConfigurationException>(() => Create(server.BaseUri).SignAsync(Key, Payload));

        Assert.Contains("RSA_SIGN_RAW_PKCS1_2048", exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public void Crc32C_KnownVector_MatchesTheCastagnoliCheckValue()
        => Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8)); // RFC 3720 B.4 / the CRC catalogue's check value

    internal static RestCloudKmsSigner Create(Uri endpoint)
    {
        var kms = new GoogleServiceEndpoint(endpoint, true, null);
        var publicKeys = new RestCloudKmsPublicKeySource(new HttpClient(), kms, null, TimeProvider.System, NullLogger<RestCloudKmsPublicKeySource>.Instance, FastRetry);
        return new RestCloudKmsSigner(new HttpClient(), kms, null, publicKeys, TimeProvider.System, NullLogger<RestCloudKmsSigner>.Instance, FastRetry);
    }

    internal static async Task<bool> OpensslVerifiesAsync(string publicKeyPem, byte[] data, byte[] signature, string digestFlag, bool pss)
    {
        var directory = Directory.CreateTempSubdirectory("kms-verify-");
        try
        {
            var pub = Path.Combine(directory.FullName, "pub.pem");
            var payload = Path.Combine(directory.FullName, "payload");
            var sig = Path.Combine(directory.FullName, "sig");
            await File.WriteAllTextAsync(pub, publicKeyPem);
            await File.WriteAllBytesAsync(payload, data);
            await File.WriteAllBytesAsync(sig, signature);
            List<string> arguments = ["dgst", digestFlag, "-verify", pub, "-signature", sig];
            if (pss)
            {
                arguments.AddRange(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-2"]);
            }

            arguments.Add(payload);
            using var openssl = Process.Start(new ProcessStartInfo("openssl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var output = await openssl.StandardOutput.ReadToEndAsync();
            await openssl.StandardError.ReadToEndAsync();
            await openssl.WaitForExitAsync();
            return openssl.ExitCode == 0 && output.Contains("Verified OK", StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task WriteAsync(HttpContext context, string body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}
