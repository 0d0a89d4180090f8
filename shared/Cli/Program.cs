namespace ImageTrust.Cli;

/// <summary>The <c>imagetrust</c> command line.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await CliApplication.RunAsync(args, ProductionServices.Create(), CliConsole.Process(), cancellation.Token).ConfigureAwait(false);
    }
}
