using CloudNative.CloudEvents;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Services;

namespace ImageTrust.Functions.OccurrenceHandler;

/// <summary>OccurrenceHandler (topic <c>container-analysis-occurrences-v1</c>): an occurrence notification → <see cref="OccurrenceService"/>.</summary>
internal sealed class OccurrenceHandlerFunction : IPubSubFunction
{
    private readonly OccurrenceService _service;
    private readonly ILogger<OccurrenceHandlerFunction> _logger;

    /// <summary>Creates the function.</summary>
    public OccurrenceHandlerFunction(OccurrenceService service, ILogger<OccurrenceHandlerFunction> logger)
    {
        _service = service;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var outcome = await _service.HandleAsync(data.Message.Data, data.Message.MessageId, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Message {MessageId}: {Outcome}", data.Message.MessageId, outcome);
    }
}
