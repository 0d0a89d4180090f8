namespace ImageTrust.Functions.Tests.Support;

/// <summary>The checkout the tests run from: the nearest directory above the test binaries that holds <c>Functions.sln</c>.</summary>
internal static class RepositoryRoot
{
    /// <summary>The checkout's root; the current directory when none is found.</summary>
    public static string Path
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Functions.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? Directory.GetCurrentDirectory();
        }
    }
}
