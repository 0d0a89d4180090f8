using Microsoft.Extensions.Logging;

namespace ImageTrust.Hosting;

/// <summary>The default alerter: one warning log entry per alert, for deployments without an alerts topic.</summary>
internal sealed class LoggingPermanentFailureAlerter : IPermanentFailureAlerter
{
    private readonly ILogger<LoggingPermanentFailureAlerter> _logger;

    /// <summary>Creates the alerter.</summary>
    public LoggingPermanentFailureAlerter(ILogger<LoggingPermanentFailureAlerter> logger)
    {
        _logger = logger;
    }

    /// <inheritdoc/>
    public Task AlertAsync(PermanentFailureAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        _logger.LogWarning(
            "ALERT {ReasonCode} from {FunctionName} for message {MessageId} ({EventSource}): {Detail}",
            alert.ReasonCode,
            alert.FunctionName,
            alert.MessageId,
            alert.EventSource,
            alert.Detail);
        return Task.CompletedTask;
    }
}
