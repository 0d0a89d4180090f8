namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>The real-shaped Eventarc and push payloads kept as embedded resources under Hosting/Fixtures.</summary>
internal static class EventFixtures
{
    public const string EventarcBinaryBody = "eventarc-binary-body.json";
    public const string Structured = "structured.json";
    public const string PushCamelCase = "push-camel-case.json";
    public const string PushSnakeCase = "push-snake-case.json";
    public const string PushEmulator = "push-emulator.json";

    /// <summary>The gcr message every fixture carries as base64 data.</summary>
    public const string GcrMessage =
        "{\"action\":\"INSERT\",\"digest\":\"us-docker.pkg.dev/my-project/apps/web@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\",\"tag\":\"us-docker.pkg.dev/my-project/apps/web:1.4.2\"}";

    public static byte[] Load(string name)
    {
        using var stream = typeof(EventFixtures).Assembly.GetManifestResourceStream("Hosting.Fixtures." + name)
            ?? throw new InvalidOperationException($"Fixture {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
