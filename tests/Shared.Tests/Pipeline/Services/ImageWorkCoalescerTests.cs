using ImageTrust.Model;
using ImageTrust.Pipeline.Services;

namespace ImageTrust.Shared.Tests.Pipeline.Services;

public sealed class ImageWorkCoalescerTests
{
    [Fact]
    public async Task RunAsync_ManyConcurrentCallsForOneKey_OneRunWithEveryId()
    {
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var runs = new List<IReadOnlyCollection<string>>();
        Task Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            lock (runs)
            {
                runs.Add([.. ids]);
            }

            return Task.CompletedTask;
        }

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => coalescer.RunAsync("k", "m" + i, Work)));

        var run = Assert.Single(runs);
        Assert.Equal(100, run.Count);
        Assert.Equal(1, coalescer.RunCount);
    }

    [Fact]
    public async Task RunAsyncWithResult_JoinedCallers_EachGetTheirRunsResult()
    {
        var coalescer = new ImageWorkCoalescer(TimeSpan.Zero, TimeProvider.System);
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
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        Task<int> Work(IReadOnlyCollection<string> ids, CancellationToken ct) => throw new TransientFailureException("registry down");

        var calls = Enumerable.Range(0, 3).Select(i => coalescer.RunAsync("k", "m" + i, Work)).ToList();

        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<TransientFailureException>(() => call);
        }

        Assert.Equal(1, coalescer.RunCount);
    }

    [Fact]
    public async Task RunAsync_CallDuringARun_JoinsExactlyOneFollowUpRunAfterTheWindow()
    {
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var starts = new List<DateTimeOffset>();
        async Task Work(IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            lock (starts)
            {
                starts.Add(DateTimeOffset.UtcNow);
            }

            started.TrySetResult();
            if (ids.Contains("first"))
            {
                await release.Task;
            }
        }

        var first = coalescer.RunAsync("k", "first", Work);
        await started.Task;
        var late = Enumerable.Range(0, 5).Select(i => coalescer.RunAsync("k", "late" + i, Work)).ToList();
        Assert.False(late[0].IsCompleted);
        release.SetResult();
        await first;
        await Task.WhenAll(late);

        Assert.Equal(2, starts.Count);
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromMilliseconds(90));
    }

    [Fact]
    public async Task RunAsync_RunFails_EveryJoinedCallerSeesTheFailure()
    {
        var coalescer = new ImageWorkCoalescer(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        static Task Work(IReadOnlyCollection<string> ids, CancellationToken ct) => throw new TransientFailureException("down");

        var calls = Enumerable.Range(0, 3).Select(i => coalescer.RunAsync("k", "m" + i, Work)).ToList();

        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<TransientFailureException>(() => call);
        }
    }

    [Fact]
    public async Task RunAsync_DifferentKeys_RunSeparately()
    {
        var coalescer = new ImageWorkCoalescer(TimeSpan.Zero, TimeProvider.System);
        var keys = new List<string>();
        Task Work(string key)
        {
            lock (keys)
            {
                keys.Add(key);
            }

            return Task.CompletedTask;
        }

        await Task.WhenAll(coalescer.RunAsync("a", "1", (_, _) => Work("a")), coalescer.RunAsync("b", "1", (_, _) => Work("b")));

        Assert.Equal(["a", "b"], keys.Order());
    }
}
