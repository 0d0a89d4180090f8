using System.Globalization;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>
/// Pulls from and acknowledges on a pull subscription through the Pub/Sub REST API (<c>subscriptions.pull</c>,
/// <c>subscriptions.acknowledge</c>), or the emulator when configured.
/// </summary>
internal sealed class RestPubSubSubscriber
{
    /// <summary>The most messages one pull asks for (the API's own bound is 1,000).</summary>
    public const int MaxMessagesPerPull = 1000;

    /// <summary>The most ack ids per acknowledge request (the API bounds the request at 512 KB; an ack id is under 200 bytes).</summary>
    public const int MaxAckIdsPerRequest = 2000;

    private readonly GoogleRestChannel _channel;
    private readonly string _projectId;

    /// <summary>Creates the subscriber.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="settings">The validated settings (project and endpoint).</param>
    /// <param name="tokens">Access tokens; may be null when Pub/Sub is the emulator.</param>
    /// <param name="timeProvider">The clock for retries.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="retry">Retry rules of idempotent calls, or null for <see cref="RetryPolicy.Default"/>.</param>
    public RestPubSubSubscriber(HttpClient httpClient, GoogleCloudSettings settings, AccessTokenSource? tokens, TimeProvider timeProvider, ILogger logger, RetryPolicy? retry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _channel = new GoogleRestChannel(httpClient, settings.PubSub, tokens, retry ?? RetryPolicy.Default, timeProvider, logger);
        _projectId = settings.ProjectId;
    }

    /// <summary>
    /// Pulls up to <paramref name="maxMessages"/> messages without waiting for more to arrive; an empty list when none are
    /// available. Pulled messages are delivered again after the subscription's ack deadline unless acknowledged.
    /// </summary>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="maxMessages">1 to <see cref="MaxMessagesPerPull"/>.</param>
    /// <param name="maxResponseBytes">The largest response accepted (a message is at most 10 MB, 13.4 MB in base64).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GoogleApiException">An API error, or a response that is larger than allowed or malformed.</exception>
    /// <exception cref="TransientFailureException">Pub/Sub is unavailable.</exception>
    public async Task<IReadOnlyList<ReceivedPubSubMessage>> PullAsync(string subscriptionId, int maxMessages, long maxResponseBytes, CancellationToken cancellationToken = default)
    {
        PubSubNames.ValidateId(subscriptionId, "subscription");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerPull);

        // Not idempotent: a retried pull would leave the first attempt's messages outstanding until their ack deadline.
        // returnImmediately is deprecated for streaming clients, but a one-shot drain must not wait for messages to arrive.
        using var response = await _channel.SendAsync(
            HttpMethod.Post,
            $"v1/projects/{_projectId}/subscriptions/{subscriptionId}:pull",
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteBoolean("returnImmediately", true);
                writer.WriteNumber("maxMessages", maxMessages);
                writer.WriteEndObject();
            },
            maxResponseBytes,
            idempotent: false,
            cancellationToken).ConfigureAwait(false);
        try
        {
            return Read(response.RootElement);
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new GoogleApiException(System.Net.HttpStatusCode.OK, null, $"pull from {subscriptionId} returned a malformed message: {exception.Message}", exception);
        }
    }

    /// <summary>Acknowledges pulled messages, in as many requests as their number needs.</summary>
    /// <exception cref="GoogleApiException">An API error (an expired ack id is not one: the message is simply delivered again).</exception>
    /// <exception cref="TransientFailureException">Pub/Sub is unavailable.</exception>
    public async Task AcknowledgeAsync(string subscriptionId, IReadOnlyCollection<string> ackIds, CancellationToken cancellationToken = default)
    {
        PubSubNames.ValidateId(subscriptionId, "subscription");
        ArgumentNullException.ThrowIfNull(ackIds);
        foreach (var chunk in ackIds.Chunk(MaxAckIdsPerRequest))
        {
            using var _ = await _channel.SendAsync(
                HttpMethod.Post,
                $"v1/projects/{_projectId}/subscriptions/{subscriptionId}:acknowledge",
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteStartArray("ackIds");
                    foreach (var ackId in chunk)
                    {
                        writer.WriteStringValue(ackId);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                },
                64 * 1024,
                idempotent: true,
                cancellationToken).ConfigureAwait(false);
        }
    }

    // Pub/Sub enforces the same limits on publish that PubSubMessage.Create checks, so a delivered message always passes them.
    private static List<ReceivedPubSubMessage> Read(JsonElement root)
    {
        var result = new List<ReceivedPubSubMessage>();
        if (!root.TryGetProperty("receivedMessages", out var received) || received.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var item in received.EnumerateArray())
        {
            var message = item.GetProperty("message");
            var data = message.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetBytesFromBase64() : [];
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (message.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in a.EnumerateObject())
                {
                    attributes[property.Name] = property.Value.GetString() ?? string.Empty;
                }
            }

            var orderingKey = message.TryGetProperty("orderingKey", out var k) && k.ValueKind == JsonValueKind.String && k.GetString() is { Length: > 0 } key ? key : null;
            DateTimeOffset? publishTime = message.TryGetProperty("publishTime", out var p) && p.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(p.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
            var attempt = item.TryGetProperty("deliveryAttempt", out var da) && da.ValueKind == JsonValueKind.Number ? da.GetInt32() : 0;
            var ackId = item.GetProperty("ackId").GetString() is { Length: > 0 } id ? id : throw new FormatException("a received message has no ackId");
            result.Add(new ReceivedPubSubMessage(
                ackId,
                message.TryGetProperty("messageId", out var messageId) ? messageId.GetString() ?? string.Empty : string.Empty,
                PubSubMessage.Create(data, attributes, orderingKey),
                publishTime,
                attempt));
        }

        return result;
    }
}
