using ImageTrust.Signing.Dsse;

namespace ImageTrust.Signing.Verifier;

/// <summary>What a bundle verification established.</summary>
/// <param name="Verified">True only when at least one check ran and all passed.</param>
/// <param name="Checks">Every step's result, in order.</param>
/// <param name="Identity">The matched SAN (keyless), or null.</param>
/// <param name="Issuer">The certificate's OIDC issuer (keyless), or null.</param>
/// <param name="KeyId">Hex SHA-256 of the signing key's SPKI, or null when the bundle could not be parsed.</param>
/// <param name="TlogIndex">The first verified log entry's index, or null.</param>
/// <param name="IntegratedTime">The earliest verified signing time (log or TSA), or null.</param>
/// <param name="Statement">The in-toto statement of a DSSE bundle, or null.</param>
internal sealed record BundleVerificationResult(
    bool Verified,
    IReadOnlyList<CheckResult> Checks,
    string? Identity,
    string? Issuer,
    string? KeyId,
    long? TlogIndex,
    DateTimeOffset? IntegratedTime,
    InTotoStatement? Statement)
{
    /// <summary>The first failing check's reason code, or <c>OK</c>.</summary>
    public string Reason => CheckResults.FirstFailure(Checks)?.ReasonCode ?? (Verified ? "OK" : "NO_CHECKS");

    /// <summary>A failed result with one check.</summary>
    public static BundleVerificationResult Failed(CheckResult check) => new(false, [check], null, null, null, null, null, null);
}
