using System.Collections.Concurrent;
using CloudNative.CloudEvents;
using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>Records what <see cref="ProbeFunction"/> received and decides how it ends.</summary>
internal sealed class FunctionProbe
{
    public ConcurrentQueue<(CloudEvent CloudEvent, MessagePublishedData Data)> Calls { get; } = new();

    /// <summary>Thrown from the function when set; null returns normally.</summary>
    public Exception? Throw { get; set; }
}
