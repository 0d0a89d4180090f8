using CloudNative.CloudEvents;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Services;

namespace ImageTrust.Functions.PushVerifier;

/// <summary>PushVerifier (topic <c>gcr</c>): an Artifact Registry push or delete → <see cref="PushVerificationService"/>.</summary>
internal sealed class PushVerifierFunction : IPubSubFunction
{
    private readonly PushVerificationService _service;
    private readonly ILogger<PushVerifierFunction> _logger;

    /// <summary>Creates the function.</summary>
    public PushVerifierFunction(PushVerificationService service, ILogger<PushVerifierFunction> logger)
    {
        _service = service;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var outcome = await _service.HandlePushAsync(data.Message.Data, data.Message.MessageId, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Message {MessageId}: {Outcome}", data.Message.MessageId, outcome);
    }
}
