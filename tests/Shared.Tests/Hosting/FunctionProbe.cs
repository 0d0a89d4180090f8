using System.Collections.Concurrent;
using CloudNative.CloudEvents;
using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>Records what <see cref="ProbeFunction"/> received and decides how it ends.</summary>
internal sealed class FunctionProbe
{
    private int _entered;

    public ConcurrentQueue<(CloudEvent CloudEvent, MessagePublishedData Data)> Calls { get; } = new();

    /// <summary>When set, the function waits for it before it ends (holding its request open).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Calls that have entered the function (also those still waiting at <see cref="Gate"/>).</summary>
    public int Entered => Volatile.Read(ref _entered);

    internal void Enter() => Interlocked.Increment(ref _entered);

    /// <summary>Thrown from the function when set; null returns normally.</summary>
    public Exception? Throw { get; set; }
}
