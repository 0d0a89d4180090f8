namespace ImageTrust.Signing;

/// <summary>Fail-closed aggregation of <see cref="CheckResult"/>s.</summary>
internal static class CheckResults
{
    /// <summary>True only when at least one check ran and every check passed.</summary>
    public static bool AllPassed(IReadOnlyCollection<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results is IReadOnlyList<CheckResult> list)
        {
            // Indexed: no enumerator (this runs for every signature and authority).
            for (var i = 0; i < list.Count; i++)
            {
                if (!list[i].Passed)
                {
                    return false;
                }
            }

            return list.Count > 0;
        }

        return results.Count > 0 && results.All(result => result.Passed);
    }

    /// <summary>The first failing result, or null when all passed (or none ran).</summary>
    public static CheckResult? FirstFailure(IEnumerable<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results is IReadOnlyList<CheckResult> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!list[i].Passed)
                {
                    return list[i];
                }
            }

            return null;
        }

        return results.FirstOrDefault(result => !result.Passed);
    }
}
