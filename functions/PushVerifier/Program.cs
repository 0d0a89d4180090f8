using ImageTrust.Hosting;
using ImageTrust.Pipeline;

namespace ImageTrust.Functions.PushVerifier;

/// <summary>Entry point: runs the PushVerifier function on the ImageTrust function host (Functions Framework contract).</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        FunctionHost.RunAsync(args, host => host
            .AddPipeline()
            .AddFunction<PushVerifierFunction>());
}
