using CloudNative.CloudEvents;
using ImageTrust.Hosting;

namespace ImageTrust.Functions.Reverifier;

/// <summary>
/// PLACEHOLDER until the real Reverifier function lands: logs the delivery and acknowledges it. It exists so the project runs on
/// the host (cold-start measurements, scripts/run-function); it does no processing.
/// </summary>
internal sealed class PlaceholderReverifierFunction : IPubSubFunction
{
    private readonly ILogger<PlaceholderReverifierFunction> _logger;

    /// <summary>Creates the placeholder.</summary>
    public PlaceholderReverifierFunction(ILogger<PlaceholderReverifierFunction> logger)
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
