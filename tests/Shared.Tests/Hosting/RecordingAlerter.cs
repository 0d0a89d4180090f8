using System.Collections.Concurrent;
using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>An alerter that records alerts, or fails with <see cref="Throw"/>.</summary>
internal sealed class RecordingAlerter : IPermanentFailureAlerter
{
    public ConcurrentQueue<PermanentFailureAlert> Alerts { get; } = new();

    public Exception? Throw { get; set; }

    public Task AlertAsync(PermanentFailureAlert alert, CancellationToken cancellationToken = default)
    {
        if (Throw is { } exception)
        {
            return Task.FromException(exception);
        }

        Alerts.Enqueue(alert);
        return Task.CompletedTask;
    }
}
