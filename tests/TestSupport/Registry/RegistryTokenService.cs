using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// A tiny token service for distribution's <c>auth.token</c>: <c>GET /token?service=…&amp;scope=…</c> answers a JWT (ES256, with the
/// signing certificate in <c>x5c</c>, trusted by the registry through <c>rootcertbundle</c>) granting the requested actions.
/// With a user configured it demands that user's Basic credentials (401 otherwise). Counts the tokens it issues.
/// </summary>
public sealed class RegistryTokenService : IAsyncDisposable
{
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly LoopbackHttpServer _server;
    private readonly string? _user;
    private readonly string? _password;
    private int _issued;

    private RegistryTokenService(ECDsa key, X509Certificate2 certificate, LoopbackHttpServer server, string? user, string? password, int expiresInSeconds)
    {
        _key = key;
        _certificate = certificate;
        _server = server;
        _user = user;
        _password = password;
        ExpiresInSeconds = expiresInSeconds;
    }

    /// <summary>The token endpoint, <c>http://127.0.0.1:port/token</c>.</summary>
    public Uri Realm => new(_server.BaseUri, "/token");

    /// <summary>The token service's <c>host:port</c> (clients must allow it as plain HTTP).</summary>
    public string HostPort => _server.HostPort;

    /// <summary>The service name the registry and the tokens carry.</summary>
    public string Service => "imagetrust-test-registry";

    /// <summary>The issuer the registry trusts.</summary>
    public string Issuer => "imagetrust-test-token-issuer";

    /// <summary>The <c>expires_in</c> of issued tokens.</summary>
    public int ExpiresInSeconds { get; }

    /// <summary>The signing certificate as PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>How many tokens were requested (including refused requests).</summary>
    public int TokenRequests => _server.RequestCount;

    /// <summary>How many tokens were issued.</summary>
    public int TokensIssued => Volatile.Read(ref _issued);

    /// <summary>Starts the service; with <paramref name="user"/> set, only that user's Basic credentials get a token.</summary>
    public static async Task<RegistryTokenService> StartAsync(string? user = null, string? password = null, int expiresInSeconds = 300)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=imagetrust test token signer", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        RegistryTokenService? service = null;
        var server = await LoopbackHttpServer.StartAsync(context => service!.HandleAsync(context));
        service = new RegistryTokenService(key, certificate, server, user, password, expiresInSeconds);
        return service;
    }

    /// <summary>A token for <paramref name="scopes"/> (e.g. <c>repository:a/b:pull,push</c>), as a test pusher would get it.</summary>
    public string IssueToken(params string[] scopes)
    {
        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            if (parts.Length < 3)
            {
                continue;
            }

            var actions = new JsonArray();
            foreach (var action in parts[^1].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                actions.Add(action);
            }

            access.Add(new JsonObject
            {
                ["type"] = parts[0],
                ["name"] = string.Join(':', parts[1..^1]),
                ["actions"] = actions,
            });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "ES256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)),
        };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = _user ?? "anonymous",
            ["aud"] = Service,
            ["exp"] = now + ExpiresInSeconds,
            ["nbf"] = now - 60,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Interlocked.Increment(ref _issued);
        return signingInput + "." + Base64Url(signature);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/token")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (_user is not null)
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
            if (context.Request.Headers.Authorization.ToString() != expected)
            {
                context.Response.StatusCode = 401;
                return;
            }
        }

        var token = IssueToken([.. context.Request.Query["scope"].Select(s => s ?? string.Empty)]);
        var body = new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = ExpiresInSeconds,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
