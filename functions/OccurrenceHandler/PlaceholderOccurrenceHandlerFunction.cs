using CloudNative.CloudEvents;
using ImageTrust.Hosting;

namespace ImageTrust.Functions.OccurrenceHandler;

/// <summary>
/// PLACEHOLDER until the real OccurrenceHandler function lands: logs the delivery and acknowledges it. It exists so the project runs on
/// the host (cold-start measurements, scripts/run-function); it does no processing.
/// </summary>
internal sealed class PlaceholderOccurrenceHandlerFunction : IPubSubFunction
{
    private readonly ILogger<PlaceholderOccurrenceHandlerFunction> _logger;

    /// <summary>Creates the placeholder.</summary>
    public PlaceholderOccurrenceHandlerFunction(ILogger<PlaceholderOccurrenceHandlerFunction> logger)
    {
        _logger = logger;
    }

    /// <inheritdoc/>
    public Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken)
    {
        _logger.LogInformation(
            "Placeholder received message {MessageId} ({Bytes} bytes, {AttributeCount} attributes); not processed",
            data.Message.MessageId,
            data.Message.Data.Length,
            data.Message.Attributes.Count);
        return Task.CompletedTask;
    }
}
