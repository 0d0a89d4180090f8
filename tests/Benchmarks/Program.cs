using BenchmarkDotNet.Running;

namespace ImageTrust.Benchmarks;

internal static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--allocations"])
        {
            AllocationProbe.Run(Console.Out);
            return;
        }

        if (args is ["--cpu"])
        {
            CpuTimeProbe.Run(Console.Out);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
