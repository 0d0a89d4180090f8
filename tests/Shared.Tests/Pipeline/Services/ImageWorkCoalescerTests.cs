using ImageTrust.Model;
using ImageTrust.Pipeline.Services;
using ImageTrust.TestSupport;

namespace ImageTrust.Shared.Tests.Pipeline.Services;

/// <summary>The coalescer's windows on a fake clock: time moves only when the test moves it, by exactly what the coalescer waits for.</summary>
public sealed class ImageWorkCoalescerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_ManyConcurrentCallsForOneKey_OneRunWithEveryIdAfterAGatheringTenthOfTheWindow()
    {
        var clock = new ObservedClock(Start);
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(200), clock);
        var runs = new List<IReadOnlyCollection<string>>();
        Task Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            lock (runs)
            {
                runs.Add([.. ids]);
            }

            return Task.CompletedTask;
        }

        var calls = Enumerable.Range(0, 100).Select(i => coalescer.RunAsync("k", "m" + i, Work)).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(20), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromMilliseconds(19));

        Assert.Equal(0, coalescer.RunCount);
        Assert.All(calls, call => Assert.False(call.IsCompleted));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(calls);

        var run = Assert.Single(runs);
        Assert.Equal(100, run.Count);
        Assert.Equal(1, coalescer.RunCount);
    }

    [Fact]
    public async Task RunAsync_CallDuringARun_JoinsExactlyOneFollowUpRunAWindowAfterTheRunEnded()
    {
        var clock = new ObservedClock(Start);
        var window = TimeSpan.FromSeconds(1);
        var coalescer = new ImageWorkCoalescer(window, clock);
        var release = new TaskCompletionSource();
        var firstStarted = new TaskCompletionSource();
        var secondStarted = new TaskCompletionSource<DateTimeOffset>();
        var runs = new List<string[]>();
        async Task Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            lock (runs)
            {
                runs.Add([.. ids.Order(StringComparer.Ordinal)]);
            }

            if (ids.Contains("first"))
            {
                firstStarted.SetResult();
                await release.Task;
            }
            else
            {
                secondStarted.SetResult(clock.GetUtcNow());
            }
        }

        var first = coalescer.RunAsync("k", "first", Work);
        await clock.AdvanceThroughNextTimerAsync(window / 10);
        await firstStarted.Task;
        var late = Enumerable.Range(0, 5).Select(i => coalescer.RunAsync("k", "late" + i, Work)).ToList();
        clock.Advance(TimeSpan.FromMilliseconds(300));
        var ended = clock.GetUtcNow();
        release.SetResult();
        await first;

        Assert.Equal(window, await clock.NextTimerAsync());
        clock.Advance(window - TimeSpan.FromTicks(1));
        Assert.False(secondStarted.Task.IsCompleted);
        Assert.All(late, call => Assert.False(call.IsCompleted));

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(ended + window, await secondStarted.Task);
        await Task.WhenAll(late);
        Assert.Equal([["first"], ["late0", "late1", "late2", "late3", "late4"]], runs);
        Assert.Equal(2, coalescer.RunCount);
    }

    [Fact]
    public async Task RunAsync_NewCallAfterTheWindowHasPassed_WaitsOnlyTheGatheringTenth()
    {
        var clock = new ObservedClock(Start);
        var window = TimeSpan.FromSeconds(1);
        var coalescer = new ImageWorkCoalescer(window, clock);
        var runs = 0;
        Task Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }

        var first = coalescer.RunAsync("k", "a", Work);
        await clock.AdvanceThroughNextTimerAsync(window / 10);
        await first;
        clock.Advance(window * 5);

        var second = coalescer.RunAsync("k", "b", Work);

        await clock.AdvanceThroughNextTimerAsync(window / 10);
        await second;
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task RunAsync_SecondCallSoonAfterARun_WaitsTheRestOfTheWindow()
    {
        var clock = new ObservedClock(Start);
        var window = TimeSpan.FromSeconds(1);
        var coalescer = new ImageWorkCoalescer(window, clock);
        static Task Work(IReadOnlyCollection<string> ids, CancellationToken ct) => Task.CompletedTask;

        var first = coalescer.RunAsync("k", "a", Work);
        await clock.AdvanceThroughNextTimerAsync(window / 10);
        await first;
        clock.Advance(TimeSpan.FromMilliseconds(400));

        var second = coalescer.RunAsync("k", "b", Work);

        await clock.AdvanceThroughNextTimerAsync(TimeSpan.FromMilliseconds(600));
        await second;
        Assert.Equal(2, coalescer.RunCount);
    }

    [Fact]
    public async Task RunAsync_DifferentKeys_NeitherWaitsForTheOthersWindow()
    {
        var clock = new ObservedClock(Start);
        var window = TimeSpan.FromSeconds(1);
        var coalescer = new ImageWorkCoalescer(window, clock);
        var keys = new List<string>();
        Task Work(string key)
        {
            lock (keys)
            {
                keys.Add(key);
            }

            return Task.CompletedTask;
        }

        var a = coalescer.RunAsync("a", "1", (_, _) => Work("a"));
        await clock.AdvanceThroughNextTimerAsync(window / 10);
        await a;
        var b = coalescer.RunAsync("b", "1", (_, _) => Work("b"));

        await clock.AdvanceThroughNextTimerAsync(window / 10);
        await b;
        Assert.Equal(["a", "b"], keys);
    }

    [Fact]
    public async Task RunAsyncWithResult_JoinedCallers_EachGetTheirRunsResult()
    {
        var coalescer = new ImageWorkCoalescer(TimeSpan.Zero, new ObservedClock(Start));
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var runs = 0;
        async Task<string> Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            var run = Interlocked.Increment(ref runs);
            started.TrySetResult();
            if (run == 1)
            {
                await release.Task;
            }

            return $"run {run}: {string.Join(',', ids.Order())}";
        }

        var first = coalescer.RunAsync("k", "a", Work);
        await started.Task;
        var joined = new[] { coalescer.RunAsync("k", "b", Work), coalescer.RunAsync("k", "c", Work) };
        release.SetResult();

        Assert.Equal("run 1: a", await first);
        Assert.Equal(["run 2: b,c", "run 2: b,c"], await Task.WhenAll(joined));
    }

    [Fact]
    public async Task RunAsyncWithResult_RunFails_EveryJoinedCallerGetsTheException()
    {
        var clock = new ObservedClock(Start);
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(50), clock);
        Task<int> Work(IReadOnlyCollection<string> ids, CancellationToken ct) => throw new TransientFailureException("registry down");

        var calls = Enumerable.Range(0, 3).Select(i => coalescer.RunAsync("k", "m" + i, Work)).ToList();
        await clock.AdvanceThroughNextTimerAsync(TimeSpan.FromMilliseconds(5));

        foreach (var call in calls)
        {
            Assert.Equal("registry down", (await Assert.ThrowsAsync<TransientFailureException>(() => call)).Message);
        }

        Assert.Equal(1, coalescer.RunCount);
    }

    [Fact]
    public async Task RunAsync_RunFails_EveryJoinedCallerSeesTheFailure()
    {
        var clock = new ObservedClock(Start);
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(50), clock);
        static Task Work(IReadOnlyCollection<string> ids, CancellationToken ct) => throw new TransientFailureException("down");

        var calls = Enumerable.Range(0, 3).Select(i => coalescer.RunAsync("k", "m" + i, Work)).ToList();
        await clock.AdvanceThroughNextTimerAsync(TimeSpan.FromMilliseconds(5));

        foreach (var call in calls)
        {
            Assert.Equal("down", (await Assert.ThrowsAsync<TransientFailureException>(() => call)).Message);
        }
    }

    [Fact]
    public async Task RunAsync_CallerGivesUp_TheRunStillHappensForTheOthers()
    {
        var clock = new ObservedClock(Start);
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(100), clock);
        var ran = new TaskCompletionSource<IReadOnlyCollection<string>>();
        Task Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            ran.SetResult([.. ids.Order(StringComparer.Ordinal)]);
            return Task.CompletedTask;
        }

        using var giveUp = new CancellationTokenSource();
        var impatient = coalescer.RunAsync("k", "a", Work, giveUp.Token);
        var patient = coalescer.RunAsync("k", "b", Work);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);

        await clock.AdvanceThroughNextTimerAsync(TimeSpan.FromMilliseconds(10));
        await patient;
        Assert.Equal(["a", "b"], await ran.Task);
    }
}
