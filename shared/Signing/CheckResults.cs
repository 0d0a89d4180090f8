namespace ImageTrust.Signing;

/// <summary>Fail-closed aggregation of <see cref="CheckResult"/>s.</summary>
internal static class CheckResults
{
    /// <summary>True only when at least one check ran and every check passed.</summary>
    public static bool AllPassed(IReadOnlyCollection<CheckResult> results) => results.Count > 0 && results.All(result => result.Passed);

    /// <summary>The first failing result, or null when all passed (or none ran).</summary>
    public static CheckResult? FirstFailure(IEnumerable<CheckResult> results) => results.FirstOrDefault(result => !result.Passed);
}
