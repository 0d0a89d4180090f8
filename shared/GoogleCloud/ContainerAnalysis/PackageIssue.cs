using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>One affected package of a vulnerability occurrence.</summary>
/// <param name="AffectedPackage">The package name, or empty.</param>
/// <param name="AffectedVersion">The installed version (<c>fullName</c>, else <c>name</c>), or null.</param>
/// <param name="FixedVersion">The fixed version, or null when there is none.</param>
/// <param name="FixedVersionKind">The fixed version's kind (<c>NORMAL</c>, <c>MAXIMUM</c> = no fix yet, …), or null.</param>
/// <param name="FixAvailable">Whether a fix exists (explicit <c>fixAvailable</c>, else a fixed version that is not <c>MAXIMUM</c>).</param>
/// <param name="EffectiveSeverity">The package-level effective severity.</param>
internal sealed record PackageIssue(string AffectedPackage, string? AffectedVersion, string? FixedVersion, string? FixedVersionKind, bool FixAvailable, Severity EffectiveSeverity);
