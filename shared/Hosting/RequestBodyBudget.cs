namespace ImageTrust.Hosting;

/// <summary>
/// The bytes all requests together may hold in buffered bodies (and the messages decoded from them) at once: one per process.
/// A request reserves its body's size before reading it; when the budget is spent it waits its turn (first come, first served)
/// for a bounded time and is then refused, so the memory held for bodies never exceeds <see cref="CapacityBytes"/>.
/// </summary>
internal sealed class RequestBodyBudget
{
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly TimeProvider _timeProvider;
    private long _availableBytes;

    /// <summary>Creates a budget.</summary>
    /// <param name="capacityBytes">The bytes that may be reserved at once; positive.</param>
    /// <param name="maxWait">How long a reservation waits for bytes before it is refused; zero refuses at once.</param>
    /// <param name="timeProvider">Measures the wait.</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is not positive or the wait is negative.</exception>
    public RequestBodyBudget(long capacityBytes, TimeSpan maxWait, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        CapacityBytes = capacityBytes;
        MaxWait = maxWait;
        _timeProvider = timeProvider;
        _availableBytes = capacityBytes;
    }

    /// <summary>The bytes that may be reserved at once.</summary>
    public long CapacityBytes { get; }

    /// <summary>How long a reservation waits before it is refused.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>The bytes not reserved now.</summary>
    public long AvailableBytes
    {
        get
        {
            lock (_gate)
            {
                return _availableBytes;
            }
        }
    }

    /// <summary>Reservations waiting for bytes now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>, waiting behind earlier reservations for at most <see cref="MaxWait"/>.</summary>
    /// <returns>The reservation (dispose it to give the bytes back); null when the bytes did not become free in time or can
    /// never fit (more than <see cref="CapacityBytes"/>).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<RequestBodyLease?> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > CapacityBytes)
        {
            return null;
        }

        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _availableBytes >= bytes)
            {
                _availableBytes -= bytes;
                return new RequestBodyLease(this, bytes);
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        using var timeout = new CancellationTokenSource(MaxWait, _timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        await using (stop.Token.UnsafeRegister(static state => GiveUp(((RequestBodyBudget, Waiter))state!), (this, waiter)).ConfigureAwait(false))
        {
            var granted = await waiter.Granted.Task.ConfigureAwait(false);
            if (granted)
            {
                return new RequestBodyLease(this, bytes);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }

    /// <summary>Adds <paramref name="bytes"/> to a reservation only if they are free now (no wait, no queue jumping).</summary>
    internal bool TryTake(long bytes)
    {
        lock (_gate)
        {
            if (_waiters.Count != 0 || _availableBytes < bytes)
            {
                return false;
            }

            _availableBytes -= bytes;
            return true;
        }
    }

    /// <summary>Gives reserved bytes back and lets waiting reservations in, in order.</summary>
    internal void Return(long bytes)
    {
        lock (_gate)
        {
            _availableBytes += bytes;
            GrantWaiting();
        }
    }

    private static void GiveUp((RequestBodyBudget Budget, Waiter Waiter) state)
    {
        var (budget, waiter) = state;
        lock (budget._gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // already granted: the caller owns the bytes
            }

            budget._waiters.Remove(waiter.Node);
            waiter.Granted.TrySetResult(false);

            // A large reservation leaving the head of the queue may let smaller ones behind it in.
            budget.GrantWaiting();
        }
    }

    private void GrantWaiting()
    {
        while (_waiters.First is { } first && first.Value.Bytes <= _availableBytes)
        {
            _availableBytes -= first.Value.Bytes;
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult(true);
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource<bool> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
