using CloudNative.CloudEvents;
using ImageTrust.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>A function that records its calls in the injected probe, logs one line and ends as the probe says.</summary>
internal sealed class ProbeFunction : IPubSubFunction
{
    private readonly FunctionProbe _probe;
    private readonly ILogger<ProbeFunction> _logger;

    public ProbeFunction(FunctionProbe probe, ILogger<ProbeFunction> logger)
    {
        _probe = probe;
        _logger = logger;
    }

    public async Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken)
    {
        _probe.Enter();
        if (_probe.Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        _probe.Calls.Enqueue((cloudEvent, data));
        _logger.LogInformation("Probe handled {MessageId}", data.Message.MessageId);
        if (_probe.Throw is { } exception)
        {
            throw exception;
        }
    }
}
