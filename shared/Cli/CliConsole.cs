namespace ImageTrust.Cli;

/// <summary>Where a CLI run writes and what environment it sees; tests pass string writers and a fake environment.</summary>
/// <param name="Out">Results (text or JSON).</param>
/// <param name="Error">Errors and diagnostics.</param>
/// <param name="GetEnvironmentVariable">Reads an environment variable; null when unset.</param>
/// <param name="WorkingDirectory">The directory relative paths are resolved against.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, string WorkingDirectory)
{
    /// <summary>The process's console, environment and working directory.</summary>
    public static CliConsole Process() => new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());

    /// <summary>Resolves a path the user typed against the working directory.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
