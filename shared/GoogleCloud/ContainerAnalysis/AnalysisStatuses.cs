namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>Container Analysis <c>DiscoveryOccurrence.analysisStatus</c> values.</summary>
internal static class AnalysisStatuses
{
    /// <summary>Not yet scanned.</summary>
    public const string Pending = "PENDING";

    /// <summary>Being scanned.</summary>
    public const string Scanning = "SCANNING";

    /// <summary>Scanned successfully.</summary>
    public const string FinishedSuccess = "FINISHED_SUCCESS";

    /// <summary>Scanned successfully (newer name for FINISHED_SUCCESS).</summary>
    public const string Complete = "COMPLETE";

    /// <summary>The scan failed.</summary>
    public const string FinishedFailed = "FINISHED_FAILED";

    /// <summary>The image type is not supported by the scanner.</summary>
    public const string FinishedUnsupported = "FINISHED_UNSUPPORTED";

    /// <summary>Whether the status is final (<c>FINISHED_*</c> or <c>COMPLETE</c>).</summary>
    public static bool IsFinished(string? status) => status is FinishedSuccess or Complete or FinishedFailed or FinishedUnsupported;
}
