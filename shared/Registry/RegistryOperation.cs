namespace ImageTrust.Registry;

/// <summary>
/// One client call in flight: the registry it talks to, its overall deadline (a token that fires on the injected clock), and the
/// last transient failure seen, for the error message when retries run out.
/// </summary>
internal sealed class RegistryOperation : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;

    /// <summary>Starts the operation's clock.</summary>
    public RegistryOperation(string registry, TimeSpan deadline, TimeProvider timeProvider, CancellationToken callerToken)
    {
        Registry = registry;
        Deadline = deadline;
        DeadlineAt = timeProvider.GetUtcNow() + deadline;
        _deadline = new CancellationTokenSource(deadline, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadline.Token);
    }

    /// <summary>The registry host, <c>host[:port]</c>.</summary>
    public string Registry { get; }

    /// <summary>The overall deadline's length.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>When the deadline passes.</summary>
    public DateTimeOffset DeadlineAt { get; }

    /// <summary>Cancelled when the caller cancels or the deadline passes.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the deadline (not the caller) ended the operation.</summary>
    public bool DeadlineExpired => _deadline.IsCancellationRequested;

    /// <summary>The last transient failure, e.g. <c>HTTP 503 for GET …</c>; null when none happened.</summary>
    public string? LastFailure { get; set; }

    /// <inheritdoc />
    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
    }
}
