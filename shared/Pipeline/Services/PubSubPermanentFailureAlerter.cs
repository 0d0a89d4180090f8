using System.Security.Cryptography;
using System.Text;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using PubSubMessage = ImageTrust.GoogleCloud.PubSub.PubSubMessage;
using ImageTrust.Hosting;
using ImageTrust.Model;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Wire;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Publishes a <c>dev.imagetrust.alert.v1</c> CloudEvent to the alerts topic for every delivery acknowledged as permanently bad
/// input, with the attributes subscriptions filter on (<c>type</c>, <c>digest</c>, <c>repository</c>, <c>severity</c>;
/// <c>unknown</c> when the input names no image). The event id is derived from the message, so a re-publish is recognisable.
/// </summary>
internal sealed class PubSubPermanentFailureAlerter : IPermanentFailureAlerter
{
    private readonly PubSubPublisher _publisher;
    private readonly ImageEventTopics _topics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PubSubPermanentFailureAlerter> _logger;

    /// <summary>Creates the alerter.</summary>
    public PubSubPermanentFailureAlerter(PubSubPublisher publisher, ImageEventTopics topics, TimeProvider timeProvider, ILogger<PubSubPermanentFailureAlerter> logger)
    {
        _publisher = publisher;
        _topics = topics;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task AlertAsync(PermanentFailureAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        // A redelivery of the same message alerts with the same id (consumers deduplicate); a delivery that names nothing gets its own.
        var delivery = alert.MessageId.Length > 0 ? alert.MessageId : alert.EventId.Length > 0 ? "ce " + alert.EventId : "unnamed " + Guid.NewGuid().ToString("N");
        var eventId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{alert.FunctionName}\n{alert.EventSource}\n{delivery}")).AsSpan(0, 16));
        var alertEvent = ImageCloudEvents.ForRejectedInput(eventId, alert, _timeProvider.GetUtcNow());
        var message = PubSubMessage.FromText(alertEvent.Json, alertEvent.Attributes);
        try
        {
            await _publisher.PublishAsync(_topics.Alerts, [message], cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException exception)
        {
            throw new TransientFailureException($"alert for message {alert.MessageId} could not be published to {_topics.Alerts}: {exception.Message}", exception);
        }

        _logger.LogWarning("ALERT {ReasonCode} from {FunctionName} for message {MessageId} published to {Topic}", alert.ReasonCode, alert.FunctionName, alert.MessageId, _topics.Alerts);
    }
}
