namespace ImageTrust.Benchmarks;

/// <summary>
/// Bytes allocated per operation of each verification benchmark, counted exactly on this thread after a warm-up; seconds
/// instead of BenchmarkDotNet's minutes, for checking an allocation change before a full run.
/// </summary>
internal static class AllocationProbe
{
    private const int WarmUp = 1_000;
    private const int Measured = 1_000;

    public static void Run(TextWriter output) => ProbedVerifications.Run((name, operation) => Probe(output, name, operation));

    private static void Probe(TextWriter output, string name, Func<bool> operation)
    {
        // Two rounds with a pause between, so tiered compilation has promoted the hot methods before counting.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                ProbedVerifications.Require(operation(), name);
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(300));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            ProbedVerifications.Require(operation(), name);
        }

        var perOperation = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Measured;
        output.WriteLine($"{name}: {perOperation:N0} B/op ({perOperation / 1024:N2} KB)");
    }
}
