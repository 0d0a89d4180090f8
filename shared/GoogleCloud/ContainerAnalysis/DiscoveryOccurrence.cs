namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>The scan status of an image (see <see cref="AnalysisStatuses"/>).</summary>
/// <param name="AnalysisStatus">The analysis status, or <c>ANALYSIS_STATUS_UNSPECIFIED</c>.</param>
/// <param name="ContinuousAnalysis">The continuous analysis state (<c>ACTIVE</c>, <c>INACTIVE</c>), or null.</param>
/// <param name="LastScanTime">When the image was last scanned, or null.</param>
internal sealed record DiscoveryOccurrence(string AnalysisStatus, string? ContinuousAnalysis, DateTimeOffset? LastScanTime);
