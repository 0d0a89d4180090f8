using CloudNative.CloudEvents;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Services;

namespace ImageTrust.Functions.Reverifier;

/// <summary>
/// Reverifier, on two subscriptions: a scheduler tick (reverify topic) starts one sweep that publishes a work message per due
/// image (a drain tick, attribute <c>imagetrust-work=drain-outbox</c>, only per image with pending events); a work message
/// (work topic, attribute <c>imagetrust-work</c>) handles one image → <see cref="ReverificationService"/>.
/// </summary>
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
        var message = data.Message;
        if (message.Attributes.TryGetValue(ReverificationWork.KindAttribute, out var kind) && kind == ReverificationWork.Kind)
        {
            var outcome = await _service.ReverifyImageAsync(message.Data, message.MessageId, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Message {MessageId}: {Outcome}", message.MessageId, outcome);
            return;
        }

        if (kind == ReverificationWork.DrainKind)
        {
            var drained = await _service.DrainOutboxesAsync(message.MessageId, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Message {MessageId}: drain confirmed {Confirmed} published event(s), read {Examined} record(s) with pending events, published {Published} work message(s)", message.MessageId, drained.Confirmed, drained.Examined, drained.Published);
            return;
        }

        var summary = await _service.RunAsync(message.MessageId, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Message {MessageId}: sweep read {Examined} due record(s), published {Published} work message(s)", message.MessageId, summary.Examined, summary.Published);
    }
}
