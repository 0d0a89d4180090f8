using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageTrust.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Registry;

/// <summary>
/// The OCI distribution-spec v2 client over HTTP(S). Each call makes as few requests as it can: no HEAD before GET and no
/// <c>/v2/</c> ping; the first 401's challenge is remembered per registry and tokens are cached per registry and scope, so a
/// call with a cached token is exactly one request (plus retries).
/// </summary>
internal sealed class DistributionRegistryClient : RegistryClient
{
    private static readonly string[] ManifestMediaTypes =
        [OciMediaTypes.OciManifest, OciMediaTypes.OciIndex, OciMediaTypes.DockerManifest, OciMediaTypes.DockerManifestList];

    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly RegistryRequestSender _sender;
    private readonly RegistryAuthenticator _authenticator;

    /// <summary>
    /// Creates the client. <paramref name="httpClient"/> should not follow its own timeout (the client keeps deadlines) nor
    /// redirects (the client follows them under its own rules; <see cref="RegistryHttp.CreateClient"/> is such a client).
    /// </summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public DistributionRegistryClient(
        HttpClient httpClient,
        RegistryClientOptions options,
        RegistryCredentialSource credentials,
        TimeProvider timeProvider,
        ILogger<DistributionRegistryClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
        var log = (ILogger?)logger ?? NullLogger.Instance;
        _sender = new RegistryRequestSender(httpClient, options, timeProvider, log);
        _authenticator = new RegistryAuthenticator(credentials, _sender, options, timeProvider, log);
    }

    /// <inheritdoc />
    /// <exception cref="RegistryProtocolException"><c>DIGEST_MISMATCH</c>, <c>TOO_LARGE</c>, <c>UNAUTHORIZED</c>, <c>FORBIDDEN</c>, <c>UNEXPECTED_STATUS</c>.</exception>
    public override Task<Manifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var target = reference.Digest?.ToString() ?? reference.Tag ?? "latest";
        var what = $"manifest {reference.RepositoryName}{(reference.Digest is null ? ":" : "@")}{target}";
        return RunAsync(reference.Registry, cancellationToken, async operation =>
        {
            var uri = BuildUri(reference, $"manifests/{target}");
            var response = await SendAuthorizedAsync(operation, reference.Repository, () => Get(uri, ManifestMediaTypes), _options.MaxManifestBytes, what).ConfigureAwait(false);
            EnsureFound(response, what);
            var digest = VerifyManifestDigest(reference.Digest, response, what);
            var mediaType = ReadMediaType(response, what);
            return new Manifest(digest, mediaType, response.Body);
        });
    }

    /// <inheritdoc />
    /// <exception cref="RegistryProtocolException"><c>DIGEST_MISMATCH</c>, <c>TOO_LARGE</c>, <c>UNAUTHORIZED</c>, <c>FORBIDDEN</c>, <c>UNEXPECTED_STATUS</c>.</exception>
    public override Task<byte[]> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength - 1L);
        var what = $"blob {repository.RepositoryName}@{digest}";
        return RunAsync(repository.Registry, cancellationToken, async operation =>
        {
            var uri = BuildUri(repository, $"blobs/{digest}");
            var response = await SendAuthorizedAsync(operation, repository.Repository, () => Get(uri, []), maxBytes, what).ConfigureAwait(false);
            EnsureFound(response, what);
            if (!digest.Matches(response.Body))
            {
                throw new RegistryProtocolException("DIGEST_MISMATCH", $"{what}: the content served does not hash to the digest requested");
            }

            return response.Body;
        });
    }

    /// <inheritdoc />
    /// <exception cref="RegistryProtocolException"><c>TOO_LARGE</c> past <see cref="RegistryClientOptions.MaxTags"/>, <c>BAD_LINK</c>, <c>MALFORMED_RESPONSE</c>, and the auth codes.</exception>
    public override Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var what = $"tags of {repository.RepositoryName}";
        return RunAsync<IReadOnlyList<string>>(repository.Registry, cancellationToken, async operation =>
        {
            var tags = new List<string>();
            var visited = new HashSet<string>(StringComparer.Ordinal);
            Uri? next = BuildUri(repository, $"tags/list?n={_options.TagsPageSize}");
            while (next is not null)
            {
                if (!visited.Add(next.AbsoluteUri))
                {
                    throw new RegistryProtocolException("BAD_LINK", $"{what}: the registry's pagination links loop");
                }

                var page = next;
                var response = await SendAuthorizedAsync(operation, repository.Repository, () => Get(page, []), _options.MaxManifestBytes, what).ConfigureAwait(false);
                EnsureFound(response, what);
                ReadTagsPage(response.Body, tags, what);
                if (tags.Count > _options.MaxTags)
                {
                    throw new RegistryProtocolException("TOO_LARGE", $"{what}: more than {_options.MaxTags} tags");
                }

                next = NextLink(response, page, what);
            }

            return tags;
        });
    }

    /// <inheritdoc />
    /// <exception cref="RegistryProtocolException"><c>TOO_LARGE</c> and the auth codes.</exception>
    public override Task<Manifest?> GetReferrersAsync(ImageReference repository, Digest subject, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(subject);
        var what = $"referrers of {repository.RepositoryName}@{subject}";
        return RunAsync(repository.Registry, cancellationToken, async operation =>
        {
            var query = artifactType is null ? string.Empty : "?artifactType=" + Uri.EscapeDataString(artifactType);
            var uri = BuildUri(repository, $"referrers/{subject}{query}");
            var response = await SendAuthorizedAsync(operation, repository.Repository, () => Get(uri, [OciMediaTypes.OciIndex]), _options.MaxManifestBytes, what).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            EnsureFound(response, what);
            var mediaType = TryReadMediaType(response);
            if (mediaType != OciMediaTypes.OciIndex)
            {
                return null;
            }

            return new Manifest(Digest.Sha256Of(response.Body), mediaType, response.Body);
        });
    }

    private async Task<T> RunAsync<T>(string registry, CancellationToken cancellationToken, Func<RegistryOperation, Task<T>> body)
    {
        using var operation = new RegistryOperation(registry, _options.Retry.TotalTimeout, _timeProvider, cancellationToken);
        try
        {
            return await body(operation).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (operation.Deadline.Expired)
        {
            // The deadline passed outside a request (e.g. while a credential helper ran).
            throw operation.Deadline.Exceeded(exception);
        }
    }

    private async Task<RegistryResponse> SendAuthorizedAsync(RegistryOperation operation, string repository, Func<HttpRequestMessage> createRequest, long maxBytes, string what)
    {
        var scope = $"repository:{repository}:pull";
        var authorization = await _authenticator.GetAuthorizationAsync(operation, scope).ConfigureAwait(false);
        var response = await _sender.SendAsync(operation, Authorized(createRequest, authorization), maxBytes, what).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            authorization = await _authenticator.ReauthenticateAsync(operation, scope, response.Challenges, authorization, what).ConfigureAwait(false);
            response = await _sender.SendAsync(operation, Authorized(createRequest, authorization), maxBytes, what).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var who = await _authenticator.DescribeCredentialAsync(operation).ConfigureAwait(false);
                throw new RegistryProtocolException("UNAUTHORIZED", $"registry {operation.Registry} refused {who} for {what} (HTTP 401 after authenticating)");
            }
        }

        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new RegistryProtocolException("FORBIDDEN", $"registry {operation.Registry} denied access to {what} (HTTP 403)");
        }

        return response;
    }

    private static Func<HttpRequestMessage> Authorized(Func<HttpRequestMessage> createRequest, AuthenticationHeaderValue? authorization)
        => () =>
        {
            var request = createRequest();
            request.Headers.Authorization = authorization;
            return request;
        };

    private static HttpRequestMessage Get(Uri uri, string[] accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        foreach (var mediaType in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    private Uri BuildUri(ImageReference repository, string path)
    {
        var scheme = _options.IsPlainHttp(repository.Registry) ? "http" : "https";

        // Docker Hub's API lives on a different host from its reference name.
        var host = repository.Registry == "docker.io" ? "registry-1.docker.io" : repository.Registry;
        return new Uri($"{scheme}://{host}/v2/{repository.Repository}/{path}", UriKind.Absolute);
    }

    private static void EnsureFound(RegistryResponse response, string what)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new RegistryNotFoundException(what);
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RegistryProtocolException("UNEXPECTED_STATUS", $"{what}: the registry answered HTTP {(int)response.StatusCode}");
        }
    }

    private static Digest VerifyManifestDigest(Digest? requested, RegistryResponse response, string what)
    {
        Digest? announced = null;
        if (response.DockerContentDigest is { Length: > 0 } header && !Digest.TryParse(header.Trim(), out announced))
        {
            throw new RegistryProtocolException("MALFORMED_RESPONSE", $"{what}: the Docker-Content-Digest header is not a valid digest");
        }

        if (requested is not null)
        {
            if (!requested.Matches(response.Body))
            {
                throw new RegistryProtocolException("DIGEST_MISMATCH", $"{what}: the content served does not hash to the digest requested");
            }

            return requested;
        }

        // By tag there is nothing to check against but the header (sha256 or sha512); the digest returned is the sha256 of the
        // bytes, as go-containerregistry (so cosign) computes it whatever the header says, so a sha512 registry's images resolve
        // to the digest their cosign signatures name.
        if (announced is not null && !announced.Matches(response.Body))
        {
            throw new RegistryProtocolException("DIGEST_MISMATCH", $"{what}: the content served does not hash to its Docker-Content-Digest {announced}");
        }

        return Digest.Sha256Of(response.Body);
    }

    private static string ReadMediaType(RegistryResponse response, string what)
        => TryReadMediaType(response)
            ?? throw new RegistryProtocolException("MALFORMED_RESPONSE", $"{what}: no media type in the Content-Type header or the manifest");

    private static string? TryReadMediaType(RegistryResponse response)
    {
        var header = response.MediaType;
        if (header is { Length: > 0 } && header != "application/json" && header != "text/plain" && header != "application/octet-stream")
        {
            return header;
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("mediaType", out var mediaType)
                && mediaType.ValueKind == JsonValueKind.String
                && mediaType.GetString() is { Length: > 0 } text)
            {
                return text;
            }

            // OCI makes the mediaType field optional; the shape tells an index from an image manifest.
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
            {
                return OciMediaTypes.OciIndex;
            }

            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object)
            {
                return OciMediaTypes.OciManifest;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static void ReadTagsPage(byte[] body, List<string> tags, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RegistryProtocolException("MALFORMED_RESPONSE", $"{what}: the tags page is not a JSON object");
            }

            if (!root.TryGetProperty("tags", out var list) || list.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new RegistryProtocolException("MALFORMED_RESPONSE", $"{what}: 'tags' is not an array");
            }

            foreach (var tag in list.EnumerateArray())
            {
                if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 } text)
                {
                    throw new RegistryProtocolException("MALFORMED_RESPONSE", $"{what}: a tag is not a non-empty string");
                }

                tags.Add(text);
            }
        }
        catch (JsonException exception)
        {
            throw new RegistryProtocolException("MALFORMED_RESPONSE", $"{what}: the tags page is not valid JSON", exception);
        }
    }

    private static Uri? NextLink(RegistryResponse response, Uri page, string what)
    {
        foreach (var header in response.Links)
        {
            foreach (var link in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var open = link.IndexOf('<', StringComparison.Ordinal);
                var close = link.IndexOf('>', StringComparison.Ordinal);
                if (open != 0 || close < 0)
                {
                    continue;
                }

                var parameters = link[(close + 1)..].Replace(" ", string.Empty, StringComparison.Ordinal);
                if (!parameters.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase) && !parameters.Contains("rel=next", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var baseUri = response.RequestUri ?? page;
                if (!Uri.TryCreate(baseUri, link[1..close], out var next)
                    || !string.Equals(next.Scheme, baseUri.Scheme, StringComparison.Ordinal)
                    || !string.Equals(next.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    throw new RegistryProtocolException("BAD_LINK", $"{what}: the next-page link leaves the registry");
                }

                return next;
            }
        }

        return null;
    }
}
