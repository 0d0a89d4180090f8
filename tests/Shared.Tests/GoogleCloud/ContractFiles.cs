namespace ImageTrust.Shared.Tests.GoogleCloud;

/// <summary>Finds the discovery documents copied into tests/Shared.Tests/GoogleCloud/Contracts.</summary>
internal static class ContractFiles
{
    public static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Shared.Tests", "GoogleCloud", "Contracts", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            candidate = Path.Combine(directory.FullName, "GoogleCloud", "Contracts", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"contract {fileName} not found above {AppContext.BaseDirectory}");
    }
}
