using System.Net;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud.Kms;

/// <summary>
/// <see cref="CloudKmsPublicKeySource"/> over the Cloud KMS REST API (<c>GET v1/{name}/publicKey</c>), or the configured override,
/// through the shared channel: access token, bounded answer, and the narrow retries of an idempotent read.
/// </summary>
internal sealed class RestCloudKmsPublicKeySource : CloudKmsPublicKeySource
{
    private const int MaxResponseBytes = 64 * 1024;

    private readonly GoogleRestChannel _channel;

    /// <summary>Creates the source.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="endpoint">The Cloud KMS endpoint.</param>
    /// <param name="tokens">Access tokens; may be null when the endpoint is a local stand-in.</param>
    /// <param name="timeProvider">The clock for retries.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="retry">Retry rules of idempotent calls, or null for <see cref="RetryPolicy.Default"/>.</param>
    public RestCloudKmsPublicKeySource(HttpClient httpClient, GoogleServiceEndpoint endpoint, AccessTokenSource? tokens, TimeProvider timeProvider, ILogger<RestCloudKmsPublicKeySource> logger, RetryPolicy? retry = null)
    {
        _channel = new GoogleRestChannel(httpClient, endpoint, tokens, retry ?? RetryPolicy.Default, timeProvider, logger);
    }

    /// <inheritdoc />
    public override async Task<CloudKmsPublicKey> GetPublicKeyAsync(CloudKmsKeyName key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            using var response = await _channel.SendAsync(HttpMethod.Get, $"v1/{key.ResourceName}/publicKey", null, MaxResponseBytes, idempotent: true, cancellationToken).ConfigureAwait(false);
            return Parse(key, response.RootElement);
        }
        catch (GoogleApiException e) when (e.HttpStatus is HttpStatusCode.NotFound)
        {
            throw new ConfigurationException($"Cloud KMS key version {key} does not exist", e);
        }
        catch (GoogleApiException e) when (e.HttpStatus is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new ConfigurationException($"Cloud KMS refused access to {key} ({(int)e.HttpStatus}): grant roles/cloudkms.publicKeyViewer", e);
        }
        catch (GoogleApiException e)
        {
            throw new ConfigurationException($"Cloud KMS gave no usable public key for {key}: {e.Message}", e);
        }
    }

    private static CloudKmsPublicKey Parse(CloudKmsKeyName key, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationException($"Cloud KMS public key response for {key} is not a JSON object");
        }

        string? pem = null;
        string? algorithm = null;
        foreach (var property in root.EnumerateObject())
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

        if (pem is null || algorithm is null)
        {
            throw new ConfigurationException($"Cloud KMS public key response for {key} lacks 'pem' or 'algorithm'");
        }

        return new CloudKmsPublicKey(key, pem, algorithm);
    }
}
