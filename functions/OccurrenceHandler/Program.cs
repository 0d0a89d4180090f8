namespace ImageTrust.Functions.OccurrenceHandler;

/// <summary>Entry point; the function host is wired in by the hosting work.</summary>
internal static class Program
{
    public static int Main() => 0;
}
