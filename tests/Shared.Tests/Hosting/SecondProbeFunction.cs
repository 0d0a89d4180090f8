using CloudNative.CloudEvents;
using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>A second function in the same project, for FUNCTION_TARGET selection; it fails with a marker so tests can tell it ran.</summary>
internal sealed class SecondProbeFunction : IPubSubFunction
{
    public Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken) =>
        Task.FromException(new InvalidOperationException("second function ran"));
}
