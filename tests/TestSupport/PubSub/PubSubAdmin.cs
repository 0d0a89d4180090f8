using System.Net;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.TestSupport.PubSub;

/// <summary>
/// The few administrative Pub/Sub calls the tests need against the emulator: create topics and subscriptions, pull and
/// acknowledge. Production topics and subscriptions are created by Terraform; nothing here ships.
/// </summary>
internal sealed class PubSubAdmin
{
    private const int MaxPullResponseBytes = 64 * 1024 * 1024;

    private readonly GoogleRestChannel _channel;
    private readonly string _projectId;
    private readonly RestPubSubSubscriber _subscriber;

    /// <summary>Creates the client.</summary>
    public PubSubAdmin(HttpClient httpClient, GoogleCloudSettings settings, AccessTokenSource? tokens, TimeProvider timeProvider, ILogger<PubSubAdmin> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _channel = new GoogleRestChannel(httpClient, settings.PubSub, tokens, RetryPolicy.Default, timeProvider, logger);
        _projectId = settings.ProjectId;
        _subscriber = new RestPubSubSubscriber(httpClient, settings, tokens, timeProvider, logger);
    }

    /// <summary>Creates a topic; returns false if it already exists.</summary>
    /// <exception cref="GoogleApiException">Another API error.</exception>
    public async Task<bool> CreateTopicAsync(string topicId, CancellationToken cancellationToken = default)
    {
        PubSubNames.ValidateId(topicId, "topic");
        try
        {
            using var _ = await _channel.SendAsync(HttpMethod.Put, $"v1/projects/{_projectId}/topics/{topicId}", w => { w.WriteStartObject(); w.WriteEndObject(); }, 64 * 1024, idempotent: false, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException exception) when (exception.HttpStatus == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>
    /// Creates a subscription to <paramref name="topicId"/>: a pull subscription, or a push subscription when
    /// <paramref name="pushEndpoint"/> is given. Returns false if it already exists.
    /// </summary>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="topicId">The topic id.</param>
    /// <param name="pushEndpoint">The push URL, or null for pull.</param>
    /// <param name="enableMessageOrdering">Whether to deliver messages with the same ordering key in order.</param>
    /// <param name="filter">An attribute filter such as <c>attributes.severity = "CRITICAL"</c>, or null.</param>
    /// <param name="ackDeadlineSeconds">The ack deadline, 10-600 s.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GoogleApiException">Another API error, e.g. the topic does not exist.</exception>
    /// <param name="topicProjectId">The project of the topic when it is another one (a cross-project subscription), or null.</param>
    public async Task<bool> CreateSubscriptionAsync(string subscriptionId, string topicId, Uri? pushEndpoint = null, bool enableMessageOrdering = false, string? filter = null, int ackDeadlineSeconds = 10, CancellationToken cancellationToken = default, string? topicProjectId = null)
    {
        PubSubNames.ValidateId(subscriptionId, "subscription");
        PubSubNames.ValidateId(topicId, "topic");
        ArgumentOutOfRangeException.ThrowIfLessThan(ackDeadlineSeconds, 10);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ackDeadlineSeconds, 600);
        try
        {
            using var _ = await _channel.SendAsync(
                HttpMethod.Put,
                $"v1/projects/{_projectId}/subscriptions/{subscriptionId}",
                writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("topic", $"projects/{topicProjectId ?? _projectId}/topics/{topicId}");
                    writer.WriteNumber("ackDeadlineSeconds", ackDeadlineSeconds);
                    if (pushEndpoint is not null)
                    {
                        writer.WriteStartObject("pushConfig");
                        writer.WriteString("pushEndpoint", pushEndpoint.AbsoluteUri);
                        writer.WriteEndObject();
                    }

                    if (enableMessageOrdering)
                    {
                        writer.WriteBoolean("enableMessageOrdering", true);
                    }

                    if (filter is not null)
                    {
                        writer.WriteString("filter", filter);
                    }

                    writer.WriteEndObject();
                },
                64 * 1024,
                idempotent: false,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException exception) when (exception.HttpStatus == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Pulls up to <paramref name="maxMessages"/> messages; returns an empty list when none are available.</summary>
    /// <exception cref="GoogleApiException">An API error.</exception>
    public Task<IReadOnlyList<ReceivedPubSubMessage>> PullAsync(string subscriptionId, int maxMessages = 100, CancellationToken cancellationToken = default)
        => _subscriber.PullAsync(subscriptionId, maxMessages, MaxPullResponseBytes, cancellationToken);

    /// <summary>Acknowledges pulled messages.</summary>
    /// <exception cref="GoogleApiException">An API error.</exception>
    public Task AcknowledgeAsync(string subscriptionId, IReadOnlyCollection<string> ackIds, CancellationToken cancellationToken = default)
        => _subscriber.AcknowledgeAsync(subscriptionId, ackIds, cancellationToken);
}
