using CloudNative.CloudEvents;
using ImageTrust.Hosting;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>A function whose constructor rejects its configuration, as a real one does for a bad policy file.</summary>
internal sealed class MisconfiguredFunction : IPubSubFunction
{
    public MisconfiguredFunction()
    {
        throw new ConfigurationException("IMAGETRUST_POLICY /nowhere/policy.yaml does not exist.");
    }

    public Task HandleAsync(CloudEvent cloudEvent, MessagePublishedData data, CancellationToken cancellationToken) => Task.CompletedTask;
}
