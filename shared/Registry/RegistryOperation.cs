using ImageTrust.Model.Http;

namespace ImageTrust.Registry;

/// <summary>
/// One client call in flight: the registry it talks to and its overall deadline (retries and authentication included), which
/// also remembers the last transient failure for the error message when the deadline or the retries run out.
/// </summary>
internal sealed class RegistryOperation : IDisposable
{
    /// <summary>Starts the operation's clock.</summary>
    public RegistryOperation(string registry, TimeSpan deadline, TimeProvider timeProvider, CancellationToken callerToken)
    {
        Registry = registry;
        Deadline = new OperationDeadline($"registry {registry}", deadline, timeProvider, callerToken);
    }

    /// <summary>The registry host, <c>host[:port]</c>.</summary>
    public string Registry { get; }

    /// <summary>The overall deadline.</summary>
    public OperationDeadline Deadline { get; }

    /// <summary>Cancelled when the caller cancels or the deadline passes.</summary>
    public CancellationToken Token => Deadline.Token;

    /// <inheritdoc />
    public void Dispose() => Deadline.Dispose();
}
