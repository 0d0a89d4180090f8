using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>One row of <c>occurrences:vulnerabilitySummary</c>: counts for one image and severity.</summary>
/// <param name="ResourceUri">The image.</param>
/// <param name="Severity">The severity (Unspecified for the all-severities total).</param>
/// <param name="FixableCount">Findings with a fix.</param>
/// <param name="TotalCount">All findings.</param>
internal sealed record FixableTotalByDigest(string ResourceUri, Severity Severity, long FixableCount, long TotalCount);
