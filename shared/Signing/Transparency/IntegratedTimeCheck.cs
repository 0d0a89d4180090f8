namespace ImageTrust.Signing.Transparency;

/// <summary>Rejects a log integrated time in the future: a log cannot have seen a signature that has not happened yet.</summary>
internal static class IntegratedTimeCheck
{
    /// <summary>The step name in results.</summary>
    public const string Step = "tlog-integrated-time";

    /// <summary>Passes when <paramref name="integratedTime"/> is not after <paramref name="now"/>.</summary>
    public static CheckResult Verify(DateTimeOffset integratedTime, DateTimeOffset now) =>
        integratedTime <= now
            ? CheckResult.Pass(Step, integratedTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            : CheckResult.Fail(Step, "INTEGRATED_TIME_IN_FUTURE", $"integrated time {integratedTime:O} is after now ({now:O})");
}
