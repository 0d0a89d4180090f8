using ImageTrust.Hosting;

namespace ImageTrust.Functions.PushVerifier;

/// <summary>Entry point: runs the PushVerifier function on the ImageTrust function host (Functions Framework contract).</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        FunctionHost.RunAsync(args, host => host
            .AddFunction<PlaceholderPushVerifierFunction>());
}
