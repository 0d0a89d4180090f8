namespace ImageTrust.Model.Http;

/// <summary>
/// The overall deadline of one operation (every attempt, wait and nested request it makes), as a token that fires on the
/// injected clock linked with the caller's token, and the last transient failure seen, for the error message.
/// </summary>
internal sealed class OperationDeadline : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _callerToken;

    /// <summary>Starts the operation's clock.</summary>
    /// <param name="subject">What the operation talks to, for messages, e.g. <c>registry ghcr.io</c>.</param>
    /// <param name="length">How long the operation may take.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="callerToken">The caller's cancellation.</param>
    public OperationDeadline(string subject, TimeSpan length, TimeProvider timeProvider, CancellationToken callerToken)
    {
        Subject = subject;
        Length = length;
        At = timeProvider.GetUtcNow() + length;
        _callerToken = callerToken;
        _deadline = new CancellationTokenSource(length, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadline.Token);
    }

    /// <summary>What the operation talks to, e.g. <c>registry ghcr.io</c>.</summary>
    public string Subject { get; }

    /// <summary>The deadline's length.</summary>
    public TimeSpan Length { get; }

    /// <summary>When the deadline passes.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Cancelled when the caller cancels or the deadline passes.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the deadline, not the caller, ended the operation.</summary>
    public bool Expired => _deadline.IsCancellationRequested && !_callerToken.IsCancellationRequested;

    /// <summary>The last transient failure, e.g. <c>HTTP 503 for GET …</c>; null when none happened.</summary>
    public string? LastFailure { get; set; }

    /// <summary>The error for an operation the deadline ended.</summary>
    public TransientFailureException Exceeded(Exception? innerException = null)
        => new($"{Subject} did not answer within the overall deadline of {Length.TotalSeconds:0.###} s; last: {LastFailure ?? "no failure seen, the request was still in flight"}", innerException);

    /// <inheritdoc />
    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
    }
}
