using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// A read-only OCI distribution registry on loopback whose content a test writes directly (manifests by tag or digest, blobs,
/// referrers indexes) and whose misbehaviour it scripts through <see cref="Intercept"/>: slow answers, redirects, odd headers,
/// challenges. It plays the hostile registries the real docker-registry cannot (the real one is used wherever it can be).
/// </summary>
public sealed class ScriptedOciRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Content, string MediaType)> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _referrers = new(StringComparer.Ordinal);
    private LoopbackHttpServer? _server;

    private ScriptedOciRegistry()
    {
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string HostPort => Server.HostPort;

    /// <summary>The underlying server (request log and count).</summary>
    public LoopbackHttpServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>
    /// Runs before the stored content is served; returns true when it answered the request itself (the store is then skipped).
    /// Null serves the store only.
    /// </summary>
    public Func<HttpContext, Task<bool>>? Intercept { get; set; }

    /// <summary>Whether <c>GET /v2/NAME/referrers/DIGEST</c> is answered (an index, empty when none stored); false answers 404.</summary>
    public bool ReferrersApi { get; set; }

    /// <summary>Starts the registry on a free port.</summary>
    public static async Task<ScriptedOciRegistry> StartAsync()
    {
        var registry = new ScriptedOciRegistry();
        registry._server = await LoopbackHttpServer.StartAsync(registry.HandleAsync);
        return registry;
    }

    /// <summary>The <c>sha256:…</c> digest of <paramref name="content"/>.</summary>
    public static string Sha256Of(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Stores a manifest under its digest and, when given, a tag; returns its digest.</summary>
    public string PutManifest(string repository, string? tag, string json, string mediaType = RegistryContentWriter.OciManifestMediaType)
    {
        var content = Encoding.UTF8.GetBytes(json);
        var digest = Sha256Of(content);
        _manifests[$"{repository}@{digest}"] = (content, mediaType);
        if (tag is not null)
        {
            _manifests[$"{repository}:{tag}"] = (content, mediaType);
        }

        return digest;
    }

    /// <summary>Stores a blob; returns its digest.</summary>
    public string PutBlob(string repository, byte[] content)
    {
        var digest = Sha256Of(content);
        _blobs[$"{repository}@{digest}"] = content;
        return digest;
    }

    /// <summary>Stores the referrers index served for <paramref name="subject"/> when <see cref="ReferrersApi"/> is on.</summary>
    public void PutReferrers(string repository, string subject, string indexJson) => _referrers[$"{repository}@{subject}"] = Encoding.UTF8.GetBytes(indexJson);

    /// <summary>How many requests so far had a path containing <paramref name="fragment"/>.</summary>
    public int CountRequests(string fragment) => Server.Requests.Count(request => request.Contains(fragment, StringComparison.Ordinal));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Intercept is { } intercept && await intercept(context))
        {
            return;
        }

        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (Split(path, "/manifests/") is { Repository.Length: > 0 } manifestPath)
        {
            var (repository, reference) = manifestPath;
            var key = reference.Contains(':', StringComparison.Ordinal) ? $"{repository}@{reference}" : $"{repository}:{reference}";
            if (_manifests.TryGetValue(key, out var manifest))
            {
                context.Response.ContentType = manifest.MediaType;
                context.Response.Headers["Docker-Content-Digest"] = Sha256Of(manifest.Content);
                await context.Response.Body.WriteAsync(manifest.Content);
                return;
            }
        }
        else if (Split(path, "/blobs/") is { Repository.Length: > 0 } blobPath)
        {
            if (_blobs.TryGetValue($"{blobPath.Repository}@{blobPath.Remainder}", out var blob))
            {
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(blob);
                return;
            }
        }
        else if (Split(path, "/referrers/") is { Repository.Length: > 0 } referrersPath && ReferrersApi)
        {
            var index = _referrers.TryGetValue($"{referrersPath.Repository}@{referrersPath.Remainder}", out var stored)
                ? stored
                : Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{RegistryContentWriter.OciIndexMediaType}\",\"manifests\":[]}}");
            context.Response.ContentType = RegistryContentWriter.OciIndexMediaType;
            await context.Response.Body.WriteAsync(index);
            return;
        }

        context.Response.StatusCode = 404;
    }

    private static (string Repository, string Remainder)? Split(string path, string marker)
    {
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? null : (path["/v2/".Length..at], path[(at + marker.Length)..]);
    }
}
