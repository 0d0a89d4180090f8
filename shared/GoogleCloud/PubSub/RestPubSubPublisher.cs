using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>Publishes through the Pub/Sub REST API (<c>topics.publish</c>), or the emulator when configured.</summary>
internal sealed class RestPubSubPublisher : PubSubPublisher
{
    /// <summary>The most messages per publish request.</summary>
    public const int MaxMessagesPerRequest = 1000;

    /// <summary>The most bytes per publish request.</summary>
    public const int MaxBytesPerRequest = 10_000_000;

    private const int MaxResponseBytes = 1024 * 1024;

    private readonly GoogleRestChannel _channel;
    private readonly string _projectId;

    /// <summary>Creates the publisher.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="settings">The validated settings (project and endpoint).</param>
    /// <param name="tokens">Access tokens; may be null when Pub/Sub is the emulator.</param>
    /// <param name="timeProvider">The clock for retries.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="retry">Retry rules of idempotent calls, or null for <see cref="RetryPolicy.Default"/>.</param>
    public RestPubSubPublisher(HttpClient httpClient, GoogleCloudSettings settings, AccessTokenSource? tokens, TimeProvider timeProvider, ILogger<RestPubSubPublisher> logger, RetryPolicy? retry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _channel = new GoogleRestChannel(httpClient, settings.PubSub, tokens, retry ?? RetryPolicy.Default, timeProvider, logger);
        _projectId = settings.ProjectId;
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<string>> PublishAsync(string topicId, IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken = default)
    {
        PubSubNames.ValidateId(topicId, "topic");
        ArgumentNullException.ThrowIfNull(messages);
        var ids = new List<string>(messages.Count);
        var path = $"v1/projects/{_projectId}/topics/{topicId}:publish";
        foreach (var batch in Split(messages))
        {
            using var response = await _channel.SendAsync(HttpMethod.Post, path, writer => WriteRequest(writer, batch), MaxResponseBytes, idempotent: true, cancellationToken).ConfigureAwait(false);
            if (!response.RootElement.TryGetProperty("messageIds", out var returned) || returned.ValueKind != JsonValueKind.Array || returned.GetArrayLength() != batch.Count)
            {
                throw new GoogleApiException(System.Net.HttpStatusCode.OK, null, $"publish to {topicId} returned no messageIds for {batch.Count} message(s)");
            }

            foreach (var id in returned.EnumerateArray())
            {
                ids.Add(id.GetString() ?? string.Empty);
            }
        }

        return ids;
    }

    /// <summary>Splits messages into consecutive batches within the request limits.</summary>
    public static IEnumerable<IReadOnlyList<PubSubMessage>> Split(IReadOnlyList<PubSubMessage> messages)
    {
        var batch = new List<PubSubMessage>();
        var bytes = 32;
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message);
            var size = message.EncodedSize;
            if (batch.Count > 0 && (batch.Count == MaxMessagesPerRequest || bytes + size > MaxBytesPerRequest))
            {
                yield return batch;
                batch = [];
                bytes = 32;
            }

            batch.Add(message);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static void WriteRequest(Utf8JsonWriter writer, IReadOnlyList<PubSubMessage> batch)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("messages");
        foreach (var message in batch)
        {
            writer.WriteStartObject();
            writer.WriteBase64String("data", message.Data.Span);
            if (!message.Attributes.IsEmpty)
            {
                writer.WriteStartObject("attributes");
                foreach (var (key, value) in message.Attributes)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            if (message.OrderingKey is not null)
            {
                writer.WriteString("orderingKey", message.OrderingKey);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
