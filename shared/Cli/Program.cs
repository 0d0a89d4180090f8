namespace ImageTrust.Cli;

/// <summary>The <c>imagetrust</c> command line.</summary>
internal static class Program
{
    public static int Main(string[] args) => args.Length == 0 ? 2 : 2;
}
