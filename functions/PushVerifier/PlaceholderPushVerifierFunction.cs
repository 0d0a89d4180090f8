using CloudNative.CloudEvents;
using ImageTrust.Hosting;

namespace ImageTrust.Functions.PushVerifier;

/// <summary>
/// PLACEHOLDER until the real PushVerifier function lands: logs the delivery and acknowledges it. It exists so the project runs on
/// the host (cold-start measurements, scripts/run-function); it does no processing.
/// </summary>
internal sealed class PlaceholderPushVerifierFunction : IPubSubFunction
{
    private readonly ILogger<PlaceholderPushVerifierFunction> _logger;

    /// <summary>Creates the placeholder.</summary>
    public PlaceholderPushVerifierFunction(ILogger<PlaceholderPushVerifierFunction> logger)
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
