namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Single-flight with coalescing per image: notifications for the same key that arrive while a run is waiting join it (one
/// evaluation, one Firestore write for all their message ids); those arriving while it runs join the next run. A run gathers
/// callers for a tenth of the window and starts no sooner than the window after the previous run of its key ended (so after
/// its write), so each document sees at most one write per window while an isolated notification waits only the short
/// gathering time.
/// A caller's task completes only when a run that started after its call has committed (or fails with that run's exception),
/// so nothing is acknowledged before it is durably reflected.
/// </summary>
internal sealed class ImageWorkCoalescer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastEnds = new(StringComparer.Ordinal);
    private readonly TimeSpan _window;
    private readonly TimeProvider _timeProvider;
    private int _runCount;

    /// <summary>Creates the coalescer.</summary>
    /// <param name="window">How long a run gathers callers before it starts, and the least time between two runs of one key.</param>
    /// <param name="timeProvider">The clock for the window.</param>
    public ImageWorkCoalescer(TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _window = window;
        _timeProvider = timeProvider;
    }

    /// <summary>How many runs have started (for tests and metrics).</summary>
    public int RunCount => Volatile.Read(ref _runCount);

    /// <summary>
    /// Joins the next run for <paramref name="key"/> with <paramref name="messageId"/>. The run calls the
    /// <paramref name="work"/> of its first caller with every joined id; <paramref name="work"/> must depend only on the key
    /// and must not use request-scoped services (it can outlive a caller that gave up).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the run goes on).</exception>
    public Task RunAsync(string key, string messageId, Func<IReadOnlyCollection<string>, CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return JoinAsync(key, messageId, async (ids, ct) =>
        {
            await work(ids, ct).ConfigureAwait(false);
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// As <see cref="RunAsync(string, string, Func{IReadOnlyCollection{string}, CancellationToken, Task}, CancellationToken)"/>,
    /// and every caller joined to the run gets its result. All callers of one key must use the same result type.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the run goes on).</exception>
    public async Task<TResult> RunAsync<TResult>(string key, string messageId, Func<IReadOnlyCollection<string>, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var result = await JoinAsync(key, messageId, async (ids, ct) => await work(ids, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return (TResult)result!;
    }

    private Task<object?> JoinAsync(string key, string messageId, Func<IReadOnlyCollection<string>, CancellationToken, Task<object?>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(messageId);
        Batch batch;
        lock (_lock)
        {
            if (!_lanes.TryGetValue(key, out var lane))
            {
                lane = new Lane();
                _lanes.Add(key, lane);
                lane.Next = new Batch(work);
                _ = Task.Run(() => DrainAsync(key, lane), CancellationToken.None);
            }

            lane.Next ??= new Batch(work);
            batch = lane.Next;
            batch.MessageIds.Add(messageId);
        }

        return batch.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(string key, Lane lane)
    {
        var first = true;
        while (true)
        {
            TimeSpan delay;
            lock (_lock)
            {
                var now = _timeProvider.GetUtcNow();
                var spacing = _lastEnds.TryGetValue(key, out var lastEnd) ? lastEnd + _window - now : TimeSpan.Zero;
                delay = first && _window / 10 > spacing ? _window / 10 : spacing;
            }

            first = false;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider).ConfigureAwait(false);
            }

            Batch batch;
            lock (_lock)
            {
                batch = lane.Next!;
                lane.Next = null;
            }

            Interlocked.Increment(ref _runCount);
            try
            {
                batch.Completion.TrySetResult(await batch.Work(batch.MessageIds, CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                batch.Completion.TrySetException(exception);
            }

            lock (_lock)
            {
                RememberEnd(key, _timeProvider.GetUtcNow());
                if (lane.Next is null)
                {
                    _lanes.Remove(key);
                    return;
                }
            }
        }
    }

    private void RememberEnd(string key, DateTimeOffset now)
    {
        if (_lastEnds.Count > 4096)
        {
            foreach (var stale in _lastEnds.Where(entry => entry.Value + _window < now && !_lanes.ContainsKey(entry.Key)).Select(entry => entry.Key).ToList())
            {
                _lastEnds.Remove(stale);
            }
        }

        _lastEnds[key] = now;
    }

    private sealed class Lane
    {
        public Batch? Next { get; set; }
    }

    private sealed class Batch
    {
        public Batch(Func<IReadOnlyCollection<string>, CancellationToken, Task<object?>> work)
        {
            Work = work;
        }

        public Func<IReadOnlyCollection<string>, CancellationToken, Task<object?>> Work { get; }

        public HashSet<string> MessageIds { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
