namespace ImageTrust.Benchmarks;

/// <summary>The verifications the quick probes measure (the same as <see cref="ClassicVerificationBenchmarks"/>), set up once per run.</summary>
internal static class ProbedVerifications
{
    /// <summary>Sets the benchmarks up, runs <paramref name="probe"/> on each named verification, and cleans up.</summary>
    public static void Run(Action<string, Func<bool>> probe)
    {
        var benchmarks = new ClassicVerificationBenchmarks();
        benchmarks.Setup();
        try
        {
            probe("bare ECDSA P-256 verify", benchmarks.EcdsaP256Verify);
            probe("classic key-based + Rekor SET", benchmarks.KeyBasedWithTlog);
            probe("classic key-based, tlog ignored", benchmarks.KeyBasedWithoutTlog);
            probe("classic keyless + Rekor SET", benchmarks.Keyless);
            probe("keyless step: embedded SCT", benchmarks.EmbeddedSct);
            probe("cosign v3 bundle, keyless", benchmarks.BundleKeyless);
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    /// <summary>Throws when a verification that must pass did not, so a broken setup is never measured.</summary>
    public static void Require(bool verified, string name)
    {
        if (!verified)
        {
            throw new InvalidOperationException($"{name} did not verify");
        }
    }
}
