namespace ImageTrust.Benchmarks;

/// <summary>
/// Bytes allocated per operation of each verification benchmark, counted exactly on this thread after a warm-up; seconds
/// instead of BenchmarkDotNet's minutes, for checking an allocation change before a full run.
/// </summary>
internal static class AllocationProbe
{
    private const int WarmUp = 1_000;
    private const int Measured = 1_000;

    public static void Run(TextWriter output)
    {
        var benchmarks = new ClassicVerificationBenchmarks();
        benchmarks.Setup();
        try
        {
            Probe(output, "bare ECDSA P-256 verify", benchmarks.EcdsaP256Verify);
            Probe(output, "classic key-based + Rekor SET", benchmarks.KeyBasedWithTlog);
            Probe(output, "classic key-based, tlog ignored", benchmarks.KeyBasedWithoutTlog);
            Probe(output, "classic keyless + Rekor SET", benchmarks.Keyless);
            Probe(output, "keyless step: embedded SCT", benchmarks.EmbeddedSct);
            Probe(output, "cosign v3 bundle, keyless", benchmarks.BundleKeyless);
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static void Probe(TextWriter output, string name, Func<bool> operation)
    {
        // Two rounds with a pause between, so tiered compilation has promoted the hot methods before counting.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                Require(operation(), name);
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(300));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            Require(operation(), name);
        }

        var perOperation = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Measured;
        output.WriteLine($"{name}: {perOperation:N0} B/op ({perOperation / 1024:N2} KB)");
    }

    private static void Require(bool verified, string name)
    {
        if (!verified)
        {
            throw new InvalidOperationException($"{name} did not verify");
        }
    }
}
