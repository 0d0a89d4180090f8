using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.Hosting;
using ImageTrust.Model;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>
/// The push-token validator against a local signing-key set served as Google's certificates document: tokens are signed here
/// with a generated RSA key, and each rejected token differs from an accepted one in exactly one respect.
/// </summary>
public sealed class GooglePushTokenValidatorTests : IDisposable
{
    private const string Audience = "https://pushverifier.example";
    private const string ServiceAccount = "push@acme-prod.iam.gserviceaccount.com";
    private const string GoogleCertificatesUrl = "https://www.googleapis.com/oauth2/v3/certs";

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private readonly RSA _googleKey = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly KeySetClients _keySet;

    public GooglePushTokenValidatorTests()
    {
        _keySet = new KeySetClients(KeySet(_googleKey));
    }

    public void Dispose()
    {
        _googleKey.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task IsValidAsync_TokenFromTheServiceAccountSignedByGooglesKey_TrueWithTheKeysFromGooglesUrl()
    {
        var validator = Validator();

        Assert.True(await validator.IsValidAsync(Sign(Claims())));
        Assert.Equal([GoogleCertificatesUrl], _keySet.Requested);
    }

    [Fact]
    public async Task IsValidAsync_IssuerWithoutScheme_True()
    {
        Assert.True(await Validator().IsValidAsync(Sign(Claims(c => c["iss"] = "accounts.google.com"))));
    }

    [Fact]
    public async Task IsValidAsync_AudienceListOfOnlyOurs_True()
    {
        Assert.True(await Validator().IsValidAsync(Sign(Claims(c => c["aud"] = new JsonArray(Audience)))));
    }

    [Fact]
    public async Task IsValidAsync_EmailInOtherLetterCase_True()
    {
        Assert.True(await Validator().IsValidAsync(Sign(Claims(c => c["email"] = ServiceAccount.ToUpperInvariant()))));
    }

    [Fact]
    public async Task IsValidAsync_NoServiceAccountConfigured_AnyGoogleSignedIdentityTrue()
    {
        var validator = new GooglePushTokenValidator(Audience, null, _clock, _keySet);

        Assert.True(await validator.IsValidAsync(Sign(Claims(c =>
        {
            c["email"] = "someone@example.com";
            c["email_verified"] = false;
        }))));
    }

    [Theory]
    [InlineData("another audience")]
    [InlineData("our audience and another")]
    [InlineData("another audience in a list")]
    [InlineData("an empty audience list")]
    [InlineData("another issuer")]
    [InlineData("no exp")]
    [InlineData("no iat")]
    [InlineData("email of another account")]
    [InlineData("email not verified")]
    [InlineData("no email")]
    public async Task IsValidAsync_OneClaimWrong_False(string wrong)
    {
        var validator = Validator();
        Action<JsonObject> change = wrong switch
        {
            "another audience" => c => c["aud"] = "https://other.example",
            "our audience and another" => c => c["aud"] = new JsonArray(Audience, "https://other.example"),
            "another audience in a list" => c => c["aud"] = new JsonArray("https://other.example"),
            "an empty audience list" => c => c["aud"] = new JsonArray(),
            "another issuer" => c => c["iss"] = "https://issuer.example",
            "no exp" => c => c.Remove("exp"),
            "no iat" => c => c.Remove("iat"),
            "email of another account" => c => c["email"] = "other@acme-prod.iam.gserviceaccount.com",
            "email not verified" => c => c["email_verified"] = false,
            "no email" => c => c.Remove("email"),
            _ => throw new ArgumentOutOfRangeException(nameof(wrong)),
        };
        Assert.True(await validator.IsValidAsync(Sign(Claims())));

        Assert.False(await validator.IsValidAsync(Sign(Claims(change))));
    }

    [Fact]
    public async Task IsValidAsync_ClockPassesExpiry_TrueUntilExpiryThenFalse()
    {
        var validator = Validator();
        var token = Sign(Claims(c => c["exp"] = Seconds(Now.AddMinutes(5))));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await validator.IsValidAsync(token));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await validator.IsValidAsync(token));
    }

    [Fact]
    public async Task IsValidAsync_IssuedInTheFuture_TrueWithinThirtySecondsOfSkewOnly()
    {
        var validator = Validator();

        Assert.True(await validator.IsValidAsync(Sign(Claims(c => c["iat"] = Seconds(Now.AddSeconds(30))))));
        Assert.False(await validator.IsValidAsync(Sign(Claims(c => c["iat"] = Seconds(Now.AddSeconds(31))))));
    }

    [Fact]
    public async Task IsValidAsync_SignedByAKeyNotInGooglesSet_False()
    {
        var validator = Validator();
        Assert.True(await validator.IsValidAsync(Sign(Claims())));

        Assert.False(await validator.IsValidAsync(Sign(Claims(), _otherKey)));
    }

    [Fact]
    public async Task IsValidAsync_PayloadChangedAfterSigning_False()
    {
        var validator = Validator();
        var changed = Claims(c => c["sub"] = "998877665544332211000");
        Assert.True(await validator.IsValidAsync(Sign(changed)));
        var genuine = Sign(Claims()).Split('.');

        var forged = $"{genuine[0]}.{Base64Url(Encoding.UTF8.GetBytes(changed.ToJsonString()))}.{genuine[2]}";

        Assert.False(await validator.IsValidAsync(forged));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("RS512")]
    public async Task IsValidAsync_AnotherAlgorithm_False(string algorithm)
    {
        var validator = Validator();
        var header = Base64Url(Encoding.UTF8.GetBytes($$"""{"alg":"{{algorithm}}","typ":"JWT","kid":"test-1"}"""));
        var payload = Base64Url(Encoding.UTF8.GetBytes(Claims().ToJsonString()));
        var signature = algorithm switch
        {
            "none" => string.Empty,
            "HS256" => Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(KeySet(_googleKey)), Encoding.ASCII.GetBytes($"{header}.{payload}"))),
            _ => Base64Url(_googleKey.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1)),
        };

        Assert.False(await validator.IsValidAsync($"{header}.{payload}.{signature}"));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("")]
    [InlineData(" ")]
    public async Task IsValidAsync_Malformed_False(string token)
    {
        Assert.False(await Validator().IsValidAsync(token));
    }

    [Fact]
    public async Task IsValidAsync_LongerThanGoogleTokensCanBe_False()
    {
        var validator = Validator();

        Assert.False(await validator.IsValidAsync(Sign(Claims(c => c["padding"] = new string('x', 10_000)))));
    }

    [Fact]
    public async Task IsValidAsync_KeySetUnavailable_TransientFailure()
    {
        var validator = new GooglePushTokenValidator(Audience, ServiceAccount, _clock, new KeySetClients(null));

        await Assert.ThrowsAsync<TransientFailureException>(() => validator.IsValidAsync(Sign(Claims())));
    }

    [Fact]
    public void Constructor_EmptyAudience_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GooglePushTokenValidator(" ", null));
    }

    private static long Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

    private static JsonObject Claims(Action<JsonObject>? change = null)
    {
        var claims = new JsonObject
        {
            ["iss"] = "https://accounts.google.com",
            ["aud"] = Audience,
            ["iat"] = Seconds(Now),
            ["exp"] = Seconds(Now.AddHours(1)),
            ["sub"] = "112233445566778899000",
            ["email"] = ServiceAccount,
            ["email_verified"] = true,
        };
        change?.Invoke(claims);
        return claims;
    }

    private static string KeySet(RSA key)
    {
        var parameters = key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["alg"] = "RS256",
                ["use"] = "sig",
                ["kid"] = "test-1",
                ["n"] = Base64Url(parameters.Modulus!),
                ["e"] = Base64Url(parameters.Exponent!),
            }),
        }.ToJsonString();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private GooglePushTokenValidator Validator() => new(Audience, ServiceAccount, _clock, _keySet);

    private string Sign(JsonObject claims, RSA? key = null)
    {
        var header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT","kid":"test-1"}"""));
        var payload = Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = (key ?? _googleKey).SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    /// <summary>Serves <c>keySet</c> as Google's certificates document (a 503 when null) and notes what was asked for.</summary>
    private sealed class KeySetClients(string? keySet) : Google.Apis.Http.HttpClientFactory
    {
        public List<string> Requested { get; } = [];

        public string? Document { get; } = keySet;

        protected override HttpMessageHandler CreateHandler(Google.Apis.Http.CreateHttpClientArgs args) => new Handler(this);

        private sealed class Handler(KeySetClients owner) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                lock (owner.Requested)
                {
                    owner.Requested.Add(request.RequestUri!.ToString());
                }

                var response = owner.Document is { } json && request.RequestUri!.ToString() == GoogleCertificatesUrl
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                    : new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
                return Task.FromResult(response);
            }
        }
    }
}
