namespace ImageTrust.TestSupport.Fixtures;

/// <summary>Locates the committed <c>tests/Fixtures</c> directory from a test's bin directory.</summary>
internal static class FixturesDirectory
{
    /// <summary>The environment variable that overrides the search (an absolute path to a fixtures directory).</summary>
    public const string OverrideVariable = "IMAGETRUST_FIXTURES";

    /// <summary>
    /// Walks up from <see cref="AppContext.BaseDirectory"/> to the repository root and returns its
    /// <c>tests/Fixtures</c>, or the directory named by <see cref="OverrideVariable"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No ancestor holds <c>tests/Fixtures/catalog.json</c>.</exception>
    public static string Find()
    {
        var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Fixtures");
            if (File.Exists(Path.Combine(candidate, FixtureSet.CatalogFileName)))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"tests/Fixtures/{FixtureSet.CatalogFileName} not found above {AppContext.BaseDirectory}; set {OverrideVariable}.");
    }
}
