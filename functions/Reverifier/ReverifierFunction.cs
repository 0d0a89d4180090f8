using CloudNative.CloudEvents;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Services;

namespace ImageTrust.Functions.Reverifier;

/// <summary>Reverifier (a topic fed by Cloud Scheduler): any message starts one re-verification sweep → <see cref="ReverificationService"/>.</summary>
internal sealed class ReverifierFunction : IPubSubFunction
{
    private readonly ReverificationService _service;
    private readonly ILogger<ReverifierFunction> _logger;

    /// <summary>Creates the function.</summary>
    public ReverifierFunction(ReverificationService service, ILogger<ReverifierFunction> logger)
    {
        _service = service;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var outcome = await _service.RunAsync(data.Message.MessageId, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Message {MessageId}: {Outcome}", data.Message.MessageId, outcome);
    }
}
