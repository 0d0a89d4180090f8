using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud.Kms;

/// <summary>
/// <see cref="CloudKmsSigner"/> over the Cloud KMS REST API (<c>POST v1/{name}:asymmetricSign</c>): the digest algorithm comes
/// from the key version's public key (read once per key version), and the answer is checked as Google documents it
/// (<c>verifiedDigestCrc32c</c>, <c>name</c>, <c>signatureCrc32c</c>) and against the public key before it is used.
/// </summary>
internal sealed class RestCloudKmsSigner : CloudKmsSigner
{
    private const int MaxResponseBytes = 64 * 1024;

    private readonly GoogleRestChannel _channel;
    private readonly CloudKmsPublicKeySource _publicKeys;
    private readonly ConcurrentDictionary<CloudKmsKeyName, (CloudKmsPublicKey Key, CloudKmsSigningAlgorithm Algorithm)> _keys = new();

    /// <summary>Creates the signer.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="endpoint">The Cloud KMS endpoint.</param>
    /// <param name="tokens">Access tokens; may be null when the endpoint is a local stand-in.</param>
    /// <param name="publicKeys">Where the key version's public key and algorithm are read.</param>
    /// <param name="timeProvider">The clock for retries.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="retry">Retry rules (signing has no side effect, so it is retried), or null for <see cref="RetryPolicy.Default"/>.</param>
    public RestCloudKmsSigner(HttpClient httpClient, GoogleServiceEndpoint endpoint, AccessTokenSource? tokens, CloudKmsPublicKeySource publicKeys, TimeProvider timeProvider, ILogger<RestCloudKmsSigner> logger, RetryPolicy? retry = null)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        _channel = new GoogleRestChannel(httpClient, endpoint, tokens, retry ?? RetryPolicy.Default, timeProvider, logger);
        _publicKeys = publicKeys;
    }

    /// <inheritdoc />
    public override async Task<CloudKmsSignature> SignAsync(CloudKmsKeyName key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (publicKey, algorithm) = await KeyAsync(key, cancellationToken).ConfigureAwait(false);
        var digest = algorithm.DigestOf(data.Span);
        var digestCrc = Crc32C.Compute(digest);
        JsonDocument response;
        try
        {
            response = await _channel.SendAsync(
                HttpMethod.Post,
                $"v1/{key.ResourceName}:asymmetricSign",
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteStartObject("digest");
                    writer.WriteBase64String(algorithm.DigestField, digest);
                    writer.WriteEndObject();
                    writer.WriteString("digestCrc32c", digestCrc.ToString(CultureInfo.InvariantCulture));
                    writer.WriteEndObject();
                },
                MaxResponseBytes,
                idempotent: true,
                cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatus is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new ConfigurationException($"Cloud KMS refused to sign with {key} ({(int)e.HttpStatus}): grant roles/cloudkms.signer on that key", e);
        }

        using (response)
        {
            var signature = Check(key, response.RootElement);
            if (!algorithm.Verifies(publicKey.Pem, digest, signature))
            {
                throw new TransientFailureException($"the signature Cloud KMS returned for {key} does not verify with the key version's public key");
            }

            return new CloudKmsSignature(key, algorithm.Name, [.. signature]);
        }
    }

    // Google's integrity checks: a mismatch means the request or the answer was corrupted on the way, and Google's advice is to retry.
    private static byte[] Check(CloudKmsKeyName key, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TransientFailureException($"Cloud KMS answered asymmetricSign for {key} with something that is not a JSON object");
        }

        if (!root.TryGetProperty("verifiedDigestCrc32c", out var verified) || verified.ValueKind != JsonValueKind.True)
        {
            throw new TransientFailureException($"Cloud KMS did not confirm the digest checksum for {key} (verifiedDigestCrc32c is not true): the request was corrupted on the way");
        }

        if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() != key.ResourceName)
        {
            throw new TransientFailureException($"Cloud KMS answered asymmetricSign for another key version than {key}");
        }

        byte[] signature;
        try
        {
            signature = root.TryGetProperty("signature", out var s) && s.ValueKind == JsonValueKind.String ? s.GetBytesFromBase64() : [];
        }
        catch (FormatException exception)
        {
            throw new TransientFailureException($"Cloud KMS answered asymmetricSign for {key} with a signature that is not base64", exception);
        }

        if (signature.Length is 0 or > 8192
            || !root.TryGetProperty("signatureCrc32c", out var crcText) || crcText.ValueKind != JsonValueKind.String
            || !uint.TryParse(crcText.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var crc)
            || crc != Crc32C.Compute(signature))
        {
            throw new TransientFailureException($"the signature Cloud KMS returned for {key} is missing or fails its signatureCrc32c check: the answer was corrupted on the way");
        }

        return signature;
    }

    private async Task<(CloudKmsPublicKey Key, CloudKmsSigningAlgorithm Algorithm)> KeyAsync(CloudKmsKeyName key, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(key, out var known))
        {
            return known;
        }

        var publicKey = await _publicKeys.GetPublicKeyAsync(key, cancellationToken).ConfigureAwait(false);

        // Key versions are immutable, so their public key and algorithm are read once.
        return _keys.GetOrAdd(key, (publicKey, CloudKmsSigningAlgorithm.Parse(publicKey.Algorithm)));
    }
}
