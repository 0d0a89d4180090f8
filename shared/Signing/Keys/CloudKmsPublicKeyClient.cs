using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// Fetches a Cloud KMS key version's public key (<c>GET v1/{name}/publicKey</c>) and turns it into a verifier,
/// checking that the key's algorithm is one cosign signatures can use.
/// </summary>
internal sealed class CloudKmsPublicKeyClient
{
    /// <summary>The public Cloud KMS endpoint.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://cloudkms.googleapis.com/");

    private const int MaxResponseBytes = 64 * 1024;

    private readonly HttpClient _httpClient;
    private readonly Func<CancellationToken, ValueTask<string>> _accessToken;
    private readonly Uri _endpoint;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">The HTTP client (from IHttpClientFactory).</param>
    /// <param name="accessToken">Returns an OAuth access token with the cloud-platform (or cloudkms) scope.</param>
    /// <param name="endpoint">The API base URL; null for <see cref="DefaultEndpoint"/>.</param>
    public CloudKmsPublicKeyClient(HttpClient httpClient, Func<CancellationToken, ValueTask<string>> accessToken, Uri? endpoint = null)
    {
        _httpClient = httpClient;
        _accessToken = accessToken;
        _endpoint = endpoint ?? DefaultEndpoint;
    }

    /// <summary>Creates the client over the Google Cloud access token source (Application Default Credentials).</summary>
    /// <param name="httpClient">The HTTP client (from IHttpClientFactory).</param>
    /// <param name="tokens">The access token source.</param>
    /// <param name="endpoint">The API base URL; null for <see cref="DefaultEndpoint"/>.</param>
    public CloudKmsPublicKeyClient(HttpClient httpClient, GoogleCloud.Auth.AccessTokenSource tokens, Uri? endpoint = null)
        : this(httpClient, cancellationToken => new ValueTask<string>(tokens.GetAccessTokenAsync(cancellationToken)), endpoint)
    {
    }

    /// <summary>Fetches and parses the public key of <paramref name="key"/>.</summary>
    /// <exception cref="ConfigurationException">The key version does not exist, access is denied, or its algorithm can't verify cosign signatures.</exception>
    /// <exception cref="TransientFailureException">KMS is unreachable or answers 429/5xx.</exception>
    public async Task<VerificationKey> GetPublicKeyAsync(CloudKmsKeyName key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var token = await _accessToken(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_endpoint, $"v1/{key.ResourceName}/publicKey"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        byte[] body;
        HttpStatusCode status;
        try
        {
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TransientFailureException($"Cloud KMS is unreachable fetching {key}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientFailureException($"Cloud KMS timed out fetching {key}", e);
        }

        if (status is HttpStatusCode.TooManyRequests || (int)status >= 500)
        {
            throw new TransientFailureException($"Cloud KMS answered {(int)status} fetching {key}");
        }

        if (status is HttpStatusCode.NotFound)
        {
            throw new ConfigurationException($"Cloud KMS key version {key} does not exist");
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new ConfigurationException($"Cloud KMS refused access to {key} ({(int)status}): grant roles/cloudkms.publicKeyViewer");
        }

        if (status is not HttpStatusCode.OK)
        {
            throw new ConfigurationException($"Cloud KMS answered {(int)status} fetching {key}");
        }

        return Parse(key, body);
    }

    private static VerificationKey Parse(CloudKmsKeyName key, byte[] body)
    {
        string? pem = null;
        string? algorithm = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"Cloud KMS public key response for {key} is not a JSON object");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("pem") && property.Value.ValueKind == JsonValueKind.String)
                {
                    pem = property.Value.GetString();
                }
                else if (property.NameEquals("algorithm") && property.Value.ValueKind == JsonValueKind.String)
                {
                    algorithm = property.Value.GetString();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ConfigurationException($"Cloud KMS public key response for {key} is not valid JSON: {e.Message}", e);
        }

        if (pem is null || algorithm is null)
        {
            throw new ConfigurationException($"Cloud KMS public key response for {key} lacks 'pem' or 'algorithm'");
        }

        var options = algorithm switch
        {
            "EC_SIGN_P256_SHA256" or "EC_SIGN_P384_SHA384" or "EC_SIGN_ED25519" => KeyOptions.None,
            "RSA_SIGN_PKCS1_2048_SHA256" or "RSA_SIGN_PKCS1_3072_SHA256" or "RSA_SIGN_PKCS1_4096_SHA256" => KeyOptions.None,
            "RSA_SIGN_PSS_2048_SHA256" or "RSA_SIGN_PSS_3072_SHA256" or "RSA_SIGN_PSS_4096_SHA256" => KeyOptions.RsaPssOnly,
            _ => throw new ConfigurationException($"Cloud KMS key {key} has algorithm {algorithm}, which can't verify cosign signatures"),
        };

        try
        {
            return PublicKeyParser.ParsePem(pem, options);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"Cloud KMS public key of {key} is not usable: {e.Message}", e);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxResponseBytes)
        {
            throw new ConfigurationException($"Cloud KMS response is larger than {MaxResponseBytes} bytes");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    throw new ConfigurationException($"Cloud KMS response is larger than {MaxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
