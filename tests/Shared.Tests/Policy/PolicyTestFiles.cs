namespace ImageTrust.Shared.Tests.Policy;

/// <summary>Locates repository files and creates throwaway policy directories for tests.</summary>
internal static class PolicyTestFiles
{
    public const string EcPublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+AvuGGLARMK27ofeFRPLn2x1sp+g
        WLGNqYOwgkEew64sTenlMAYArUqYbCkwc3eeBRfN6W9f6c0B3k2MxlYloA==
        -----END PUBLIC KEY-----
        """;

    /// <summary>The repository root (the directory holding Functions.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ExamplePolicyPath => Path.Combine(RepositoryRoot, "shared", "Policy", "policy.example.yaml");

    /// <summary>A fresh temporary directory, deleted on dispose.</summary>
    public static TemporaryDirectory CreateDirectory() => new();

    internal sealed class TemporaryDirectory : IDisposable
    {
        public TemporaryDirectory()
        {
            Path = Directory.CreateTempSubdirectory("imagetrust-test-").FullName;
        }

        public string Path { get; }

        public string Write(string name, string content)
        {
            var path = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp directory is harmless.
            }
        }
    }
}
