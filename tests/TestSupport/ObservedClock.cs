using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created on it (a <c>Task.Delay</c>, a timeout), so a test advances
/// time exactly when the code under test waits, and can check how long it asked to wait. Time never moves on its own.
/// </summary>
public sealed class ObservedClock : FakeTimeProvider
{
    // Only a guard against a test that expects a wait the code never makes: it fails instead of hanging.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Creates a clock standing at <paramref name="start"/>.</summary>
    public ObservedClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>The due time of the next timer created since the last call, waiting for one.</summary>
    /// <exception cref="TimeoutException">No timer was created within a generous wall-clock patience.</exception>
    public async Task<TimeSpan> NextTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(Patience).ConfigureAwait(false);

    /// <summary>Waits for the next timer, checks its due time is <paramref name="expected"/>, and advances the clock by it.</summary>
    /// <exception cref="Xunit.Sdk.XunitException">The code asked to wait for another time.</exception>
    public async Task AdvanceThroughNextTimerAsync(TimeSpan expected)
    {
        var due = await NextTimerAsync().ConfigureAwait(false);
        Xunit.Assert.Equal(expected, due);
        Advance(due);
    }

    /// <summary>Whether a timer was created that no <see cref="NextTimerAsync"/> has reported yet.</summary>
    public bool HasUnreportedTimer => _timers.Reader.TryPeek(out _);
}
