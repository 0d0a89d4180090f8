using System.Text.Json;

namespace ImageTrust.Shared.Tests.Conformance;

/// <summary>
/// Why each sigstore-conformance <c>_fail</c> vector must fail (expected-failure-reasons.json: vector → reason code, or
/// <c>CONFIGURATION_ERROR</c> where the vector's trust material itself is refused), so that no vector passes for the wrong reason.
/// </summary>
internal static class ConformanceExpectations
{
    /// <summary>The reason code when the verifier refuses the configuration (an unreadable key, a refused trusted root).</summary>
    public const string ConfigurationError = "CONFIGURATION_ERROR";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> s_reasons = new(Load);

    /// <summary>The directory of the bundle-verify vectors.</summary>
    public static string SuitePath => Path.Combine(AppContext.BaseDirectory, "Conformance", "vectors", "sigstore-bundle-verify");

    /// <summary>Every vector name, ordered.</summary>
    public static IReadOnlyList<string> Vectors => [.. Directory.GetDirectories(SuitePath).Select(directory => Path.GetFileName(directory)!).Order(StringComparer.Ordinal)];

    /// <summary>The reason a <c>_fail</c> vector must fail with; null for a vector that must verify.</summary>
    /// <exception cref="InvalidOperationException">A <c>_fail</c> vector has no expected reason.</exception>
    public static string? ExpectedFailure(string vector)
    {
        if (!vector.EndsWith("_fail", StringComparison.Ordinal))
        {
            return null;
        }

        return s_reasons.Value.TryGetValue(vector, out var reason)
            ? reason
            : throw new InvalidOperationException($"{vector} has no expected failure reason in expected-failure-reasons.json");
    }

    private static IReadOnlyDictionary<string, string> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", "expected-failure-reasons.json");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!;
    }
}
