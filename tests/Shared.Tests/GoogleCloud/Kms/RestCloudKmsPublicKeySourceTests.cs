using System.Security.Cryptography;
using System.Text.Json;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Kms;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Shared.Tests.Model;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.Kms;

public sealed class RestCloudKmsPublicKeySourceTests
{
    private const string KeyVersion = "projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/3";
    private static readonly CloudKmsKeyName Key = CloudKmsKeyName.Parse("gcpkms://" + KeyVersion);
    private static readonly RetryPolicy FastRetry = new() { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20), MaxAttempts = 3, TotalTimeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task GetPublicKeyAsync_KeyVersion_FetchesPemAndAlgorithmWithTheAccessToken()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportSubjectPublicKeyInfoPem();
        var authorizations = new List<string>();
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            lock (authorizations)
            {
                authorizations.Add(context.Request.Headers.Authorization.ToString());
            }

            return WriteAsync(context, 200, KmsResponse(pem, "EC_SIGN_P256_SHA256"));
        });

        var publicKey = await Create(server, new FakeAccessTokenSource("token-1")).GetPublicKeyAsync(Key);

        Assert.Equal(new CloudKmsPublicKey(Key, pem, "EC_SIGN_P256_SHA256"), publicKey);
        Assert.Equal([$"GET /v1/{KeyVersion}/publicKey"], server.Requests);
        Assert.Equal(["Bearer token-1"], authorizations);
    }

    [Fact]
    public async Task GetPublicKeyAsync_UnavailableOnce_RetriedAndReturnsTheKey()
    {
        var calls = 0;
        await using var server = await LoopbackHttpServer.StartAsync(context => Interlocked.Increment(ref calls) == 1
            ? WriteAsync(context, 503, "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}")
            : WriteAsync(context, 200, KmsResponse("PEM", "EC_SIGN_P256_SHA256")));

        var publicKey = await Create(server).GetPublicKeyAsync(Key);

        Assert.Equal("PEM", publicKey.Pem);
        Assert.Equal(2, server.RequestCount);
    }

    [Theory]
    [InlineData(404, typeof(ConfigurationException))]
    [InlineData(403, typeof(ConfigurationException))]
    [InlineData(400, typeof(ConfigurationException))]
    [InlineData(503, typeof(TransientFailureException))]
    [InlineData(429, typeof(TransientFailureException))]
    public async Task GetPublicKeyAsync_ErrorStatus_MapsToOutcomeClass(int status, Type expected)
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => WriteAsync(context, status, "{}"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Create(server).GetPublicKeyAsync(Key));

        Assert.IsType(expected, error);
        Assert.Equal(expected == typeof(TransientFailureException) ? FastRetry.MaxAttempts : 1, server.RequestCount);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"pem\":\"x\"}")]
    [InlineData("{\"algorithm\":\"EC_SIGN_P256_SHA256\",\"pem\":7}")]
    [InlineData("not json")]
    public async Task GetPublicKeyAsync_UnusableAnswer_ThrowsConfigurationException(string body)
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => WriteAsync(context, 200, body));

        await Assert.ThrowsAsync<ConfigurationException>(() => Create(server).GetPublicKeyAsync(Key));
    }

    [Fact]
    public async Task GetPublicKeyAsync_OversizedResponse_ThrowsConfigurationExceptionNamingTheLimit()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => WriteAsync(context, 200, "{\"pem\":\"" + new string('A', 200_000) + "\"}"));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Create(server).GetPublicKeyAsync(Key));

        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetPublicKeyAsync_Unreachable_ThrowsTransientFailureException()
    {
        var endpoint = new GoogleServiceEndpoint(new Uri($"http://127.0.0.1:{FreePort.Next()}/"), false, null);
        var source = new RestCloudKmsPublicKeySource(new HttpClient(), endpoint, new FakeAccessTokenSource("t"), TimeProvider.System, NullLogger<RestCloudKmsPublicKeySource>.Instance, FastRetry);

        await Assert.ThrowsAsync<TransientFailureException>(() => source.GetPublicKeyAsync(Key));
    }

    private static RestCloudKmsPublicKeySource Create(LoopbackHttpServer server, FakeAccessTokenSource? tokens = null)
    {
        // Production-shaped (needs a token) although it is on loopback, so the Authorization header is exercised.
        var endpoint = new GoogleServiceEndpoint(server.BaseUri, false, null);
        return new RestCloudKmsPublicKeySource(new HttpClient(), endpoint, tokens ?? new FakeAccessTokenSource("t"), TimeProvider.System, NullLogger<RestCloudKmsPublicKeySource>.Instance, FastRetry);
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private static string KmsResponse(string pem, string algorithm)
        => JsonSerializer.Serialize(new Dictionary<string, string> { ["pem"] = pem, ["algorithm"] = algorithm, ["name"] = KeyVersion });
}
