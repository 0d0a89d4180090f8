using System.Text.Json;

namespace ImageTrust.Cli;

/// <summary>The JSON output of <c>verify</c> and <c>verify-attestation</c>: the image with its digest, the verdict, each signature and the reasons.</summary>
/// <param name="Image">The image reference as verified, with its digest when known.</param>
/// <param name="Digest">The image digest, or null when it could not be resolved.</param>
/// <param name="Verified">The verdict.</param>
/// <param name="Rule">The policy rule applied (<c>command-line</c> for flags), or null when none matched.</param>
/// <param name="PolicyVersion">The policy file's version hash, or null for flags.</param>
/// <param name="Threshold">How many distinct authorities were required.</param>
/// <param name="SatisfiedAuthorities">The distinct authorities whose signatures verified.</param>
/// <param name="Signatures">Every signature (or attestation) considered.</param>
/// <param name="Reasons">Reason codes for the verdict; empty only when verified.</param>
/// <param name="Messages">Human explanations of the reasons.</param>
/// <param name="PredicateType">For attestations: the predicate type asked for.</param>
/// <param name="Error">For errors that prevented a verdict (exit 2 or 3): what went wrong.</param>
/// <param name="Warnings">Codes of findings the rule does not enforce, e.g. <c>IDENTITY_MISMATCH</c>; null (omitted) when none.</param>
/// <param name="WarningMessages">Human explanations of <paramref name="Warnings"/>.</param>
internal sealed record VerificationReport(
    string Image,
    string? Digest,
    bool Verified,
    string? Rule,
    string? PolicyVersion,
    int? Threshold,
    IReadOnlyList<string> SatisfiedAuthorities,
    IReadOnlyList<SignatureReport> Signatures,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Messages,
    string? PredicateType = null,
    string? Error = null,
    IReadOnlyList<string>? Warnings = null,
    IReadOnlyList<string>? WarningMessages = null);

/// <summary>One signature in a <see cref="VerificationReport"/>.</summary>
internal sealed record SignatureReport(
    string Kind,
    bool Verified,
    string Reason,
    string? Authority,
    string? Identity,
    string? Issuer,
    string? KeyId,
    long? TlogIndex,
    DateTimeOffset? IntegratedTime,
    string? Detail,
    IReadOnlyList<CheckReport> Checks,
    string? PredicateType = null,
    JsonElement? Statement = null,
    string? Location = null,
    string? Subject = null,
    string? DockerReference = null);

/// <summary>One verification step of a signature.</summary>
internal sealed record CheckReport(string Step, bool Passed, string Reason, string? Detail);

/// <summary>The JSON output of <c>policy validate</c>.</summary>
internal sealed record PolicyValidationReport(string File, bool Valid, string? Version, IReadOnlyList<string> Rules, IReadOnlyList<string> Errors);

/// <summary>The JSON output of <c>verify-bundle</c>.</summary>
internal sealed record BundleReport(string Bundle, bool Verified, string Reason, string Detail);
