using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// Loads content into a registry over plain HTTP, independently of the client under test: blobs by monolithic upload
/// (POST then PUT with the digest) and manifests by PUT to a tag or digest. Returns digests as <c>sha256:…</c> strings.
/// </summary>
public sealed class RegistryContentWriter : IDisposable
{
    /// <summary>The OCI image manifest media type.</summary>
    public const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>The OCI image index media type.</summary>
    public const string OciIndexMediaType = "application/vnd.oci.image.index.v1+json";

    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly Func<string, string?> _authorization;

    /// <summary>
    /// A writer for the registry at <paramref name="baseUri"/>. <paramref name="authorization"/> maps a push scope
    /// (<c>repository:NAME:pull,push</c>) to an <c>Authorization</c> header value, or null for none.
    /// </summary>
    public RegistryContentWriter(Uri baseUri, Func<string, string?>? authorization = null)
    {
        _baseUri = baseUri;
        _authorization = authorization ?? (_ => null);
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A writer sending Basic credentials.</summary>
    public static RegistryContentWriter WithBasic(Uri baseUri, string user, string password)
    {
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return new RegistryContentWriter(baseUri, _ => header);
    }

    /// <summary>A writer for a token-authenticated registry, minting its own push tokens from <paramref name="tokens"/>.</summary>
    public static RegistryContentWriter WithTokens(Uri baseUri, RegistryTokenService tokens)
        => new(baseUri, scope => "Bearer " + tokens.IssueToken(scope));

    /// <summary>The <c>sha256:…</c> digest of <paramref name="content"/>.</summary>
    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Uploads a blob (POST, then PUT with the digest) and returns its digest.</summary>
    public async Task<string> PushBlobAsync(string repository, byte[] content)
    {
        var digest = DigestOf(content);
        using var start = Request(HttpMethod.Post, repository, new Uri(_baseUri, $"/v2/{repository}/blobs/uploads/"));
        using var started = await _http.SendAsync(start);
        Expect(started, HttpStatusCode.Accepted, $"start upload to {repository}");
        var location = started.Headers.Location ?? throw new InvalidOperationException("upload start without Location");
        location = location.IsAbsoluteUri ? location : new Uri(_baseUri, location);
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        using var put = Request(HttpMethod.Put, repository, new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest)));
        put.Content = new ByteArrayContent(content);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var finished = await _http.SendAsync(put);
        Expect(finished, HttpStatusCode.Created, $"finish upload of {digest} to {repository}");
        return digest;
    }

    /// <summary>PUTs a manifest under <paramref name="reference"/> (a tag or its digest) and returns its digest.</summary>
    public async Task<string> PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType = OciManifestMediaType)
    {
        using var put = Request(HttpMethod.Put, repository, new Uri(_baseUri, $"/v2/{repository}/manifests/{reference}"));
        put.Content = new ByteArrayContent(manifest);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await _http.SendAsync(put);
        Expect(response, HttpStatusCode.Created, $"put manifest {repository}:{reference}");
        return DigestOf(manifest);
    }

    /// <summary>
    /// Pushes a small image: a config and one layer (given or random), then its OCI manifest under <paramref name="tag"/>.
    /// Returns the manifest's digest and bytes.
    /// </summary>
    public async Task<(string Digest, byte[] Manifest)> PushImageAsync(string repository, string tag, byte[]? layer = null)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        layer ??= RandomNumberGenerator.GetBytes(256);
        var configDigest = await PushBlobAsync(repository, config);
        var layerDigest = await PushBlobAsync(repository, layer);
        var manifest = BuildManifest(
            ("application/vnd.oci.image.config.v1+json", configDigest, config.Length, null),
            [("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.Length, null)]);
        return (await PushManifestAsync(repository, tag, manifest), manifest);
    }

    /// <summary>Serializes an OCI image manifest with the given config and layers (each optionally annotated).</summary>
    public static byte[] BuildManifest(
        (string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string>? Annotations) config,
        IEnumerable<(string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string>? Annotations)> layers)
    {
        var layerArray = new JsonArray();
        foreach (var layer in layers)
        {
            layerArray.Add(Descriptor(layer.MediaType, layer.Digest, layer.Size, layer.Annotations));
        }

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifestMediaType,
            ["config"] = Descriptor(config.MediaType, config.Digest, config.Size, config.Annotations),
            ["layers"] = layerArray,
        };
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static JsonObject Descriptor(string mediaType, string digest, long size, IReadOnlyDictionary<string, string>? annotations)
    {
        var descriptor = new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
        if (annotations is { Count: > 0 })
        {
            var map = new JsonObject();
            foreach (var (key, value) in annotations)
            {
                map[key] = value;
            }

            descriptor["annotations"] = map;
        }

        return descriptor;
    }

    private HttpRequestMessage Request(HttpMethod method, string repository, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        if (_authorization($"repository:{repository}:pull,push") is { } header)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        return request;
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            throw new InvalidOperationException($"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }
}
