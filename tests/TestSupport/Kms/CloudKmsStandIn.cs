using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.TestSupport.Kms;

/// <summary>
/// A loopback Kestrel server answering the two Cloud KMS calls an attestor makes (<c>GET v1/{name}/publicKey</c>,
/// <c>POST v1/{name}:asymmetricSign</c>) for one key version with a real key. Requests and responses are kept so tests can check
/// them against the discovery document; the CRC32C checks are done as Cloud KMS does them.
/// </summary>
internal sealed class CloudKmsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AsymmetricAlgorithm _key;
    private readonly ConcurrentQueue<HttpStatusCode> _failures = new();
    private int _signs;

    private CloudKmsStandIn(WebApplication app, string keyVersion, string algorithm, AsymmetricAlgorithm key)
    {
        _app = app;
        KeyVersion = keyVersion;
        Algorithm = algorithm;
        _key = key;
    }

    /// <summary>The base URL to use as <c>IMAGETRUST_KMS_ENDPOINT</c>.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The key version served, <c>projects/…/cryptoKeyVersions/V</c>.</summary>
    public string KeyVersion { get; }

    /// <summary>The KMS algorithm name.</summary>
    public string Algorithm { get; }

    /// <summary>The public key, PEM SubjectPublicKeyInfo.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Successful asymmetricSign calls.</summary>
    public int SignCount => Volatile.Read(ref _signs);

    /// <summary>Every request body received and response body served, with the discovery schema each should match.</summary>
    public ConcurrentQueue<(string Schema, string Json)> Exchanged { get; } = new();

    /// <summary>When set, the next answer's signatureCrc32c is wrong (a corrupted answer).</summary>
    public bool CorruptNextChecksum { get; set; }

    /// <summary>Starts the server for <paramref name="keyVersion"/> with a new key of <paramref name="algorithm"/>.</summary>
    public static async Task<CloudKmsStandIn> StartAsync(string keyVersion, string algorithm = "EC_SIGN_P256_SHA256")
    {
        AsymmetricAlgorithm key = algorithm switch
        {
            "EC_SIGN_P256_SHA256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            "EC_SIGN_P384_SHA384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ when algorithm.StartsWith("RSA_SIGN_", StringComparison.Ordinal) => RSA.Create(int.Parse(algorithm.Split('_')[3], CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"unsupported algorithm {algorithm}", nameof(algorithm)),
        };
        // Generated now (RSA 4096 takes seconds), not inside the first request.
        _ = key.ExportSubjectPublicKeyInfoPem();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new CloudKmsStandIn(app, keyVersion, algorithm, key);
        app.Run(standIn.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        standIn.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return standIn;
    }

    /// <summary>Makes the next asymmetricSign call(s) fail with these statuses, in order.</summary>
    public void FailNext(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            _failures.Enqueue(status);
        }
    }

    /// <summary>CRC32C as Cloud KMS computes it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;

        if (HttpMethods.IsGet(context.Request.Method) && path == $"/v1/{KeyVersion}/publicKey")
        {
            var body = new JsonObject { ["pem"] = PublicKeyPem, ["algorithm"] = Algorithm, ["pemCrc32c"] = Crc32C(Encoding.UTF8.GetBytes(PublicKeyPem)).ToString(CultureInfo.InvariantCulture), ["name"] = KeyVersion, ["protectionLevel"] = "SOFTWARE" };
            await WriteJsonAsync(context, 200, "PublicKey", body).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && path == $"/v1/{KeyVersion}:asymmetricSign")
        {
            if (_failures.TryDequeue(out var failure))
            {
                await WriteErrorAsync(context, failure, failure == HttpStatusCode.ServiceUnavailable ? "UNAVAILABLE" : "INTERNAL", "injected failure").ConfigureAwait(false);
                return;
            }

            await SignAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteErrorAsync(context, HttpStatusCode.NotFound, "NOT_FOUND", $"no route for {context.Request.Method} {path}").ConfigureAwait(false);
    }

    private async Task SignAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().ConfigureAwait(false);
        Exchanged.Enqueue(("AsymmetricSignRequest", text));
        var request = JsonNode.Parse(text)?.AsObject();
        var field = Algorithm.EndsWith("SHA512", StringComparison.Ordinal) ? "sha512" : Algorithm.EndsWith("SHA384", StringComparison.Ordinal) ? "sha384" : "sha256";
        if (request?["digest"]?[field]?.GetValue<string>() is not { } digestText)
        {
            await WriteErrorAsync(context, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", $"digest.{field} is required for {Algorithm}").ConfigureAwait(false);
            return;
        }

        var digest = Convert.FromBase64String(digestText);
        var verified = false;
        if (request["digestCrc32c"]?.GetValue<string>() is { } crcText)
        {
            if (ulong.Parse(crcText, CultureInfo.InvariantCulture) != Crc32C(digest))
            {
                // Cloud KMS answers a checksum mismatch with INVALID_ARGUMENT.
                await WriteErrorAsync(context, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "digestCrc32c does not match the digest").ConfigureAwait(false);
                return;
            }

            verified = true;
        }

        var hash = field switch { "sha512" => HashAlgorithmName.SHA512, "sha384" => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA256 };
        var signature = _key switch
        {
            ECDsa ec => ec.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignHash(digest, hash, Algorithm.Contains("_PSS_", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("unknown key type"),
        };
        var crc = Crc32C(signature);
        if (CorruptNextChecksum)
        {
            CorruptNextChecksum = false;
            crc ^= 1;
        }

        Interlocked.Increment(ref _signs);
        var body = new JsonObject
        {
            ["signature"] = Convert.ToBase64String(signature),
            ["signatureCrc32c"] = crc.ToString(CultureInfo.InvariantCulture),
            ["verifiedDigestCrc32c"] = verified,
            ["verifiedDataCrc32c"] = false,
            ["name"] = KeyVersion,
            ["protectionLevel"] = "SOFTWARE",
        };
        await WriteJsonAsync(context, 200, "AsymmetricSignResponse", body).ConfigureAwait(false);
    }

    private async Task WriteJsonAsync(HttpContext context, int status, string schema, JsonObject body)
    {
        var json = body.ToJsonString();
        Exchanged.Enqueue((schema, json));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json)).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, HttpStatusCode status, string code, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = (int)status, ["message"] = message, ["status"] = code } };
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString())).ConfigureAwait(false);
    }
}
