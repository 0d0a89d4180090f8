using System.Runtime.InteropServices;

namespace ImageTrust.Benchmarks;

/// <summary>
/// CPU time this thread spends per operation of each verification benchmark (CLOCK_THREAD_CPUTIME_ID, Linux), the best of
/// several rounds. On a machine shared with other builds, wall-clock means swing by multiples; the thread's own CPU time
/// does not count the time it waited for a core, so before/after runs stay comparable.
/// </summary>
internal static class CpuTimeProbe
{
    private const int ThreadCpuClock = 3;
    private const int WarmUp = 500;
    private const int PerRound = 500;
    private const int Rounds = 5;

    public static void Run(TextWriter output) => ProbedVerifications.Run((name, operation) => Probe(output, name, operation));

    private static void Probe(TextWriter output, string name, Func<bool> operation)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            ProbedVerifications.Require(operation(), name);
        }

        Thread.Sleep(TimeSpan.FromMilliseconds(300));
        var best = double.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            var start = ThreadCpuNanoseconds();
            for (var i = 0; i < PerRound; i++)
            {
                ProbedVerifications.Require(operation(), name);
            }

            best = Math.Min(best, (ThreadCpuNanoseconds() - start) / (double)PerRound);
        }

        output.WriteLine($"{name}: {best / 1000:N1} µs CPU/op");
    }

    private static long ThreadCpuNanoseconds()
    {
        if (ClockGetTime(ThreadCpuClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated stub needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
