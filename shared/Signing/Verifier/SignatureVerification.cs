using ImageTrust.Model;

namespace ImageTrust.Signing.Verifier;

/// <summary>One signature's verification: what it is, who signed it, what the log says, and each step's result.</summary>
/// <param name="Kind">How it was stored and signed: see <see cref="SignatureKinds"/>.</param>
/// <param name="Verified">Whether every step passed.</param>
/// <param name="Reason">The first failing step's reason code, or <c>OK</c>.</param>
/// <param name="Authority">The policy authority it satisfied, or null.</param>
/// <param name="Identity">The keyless identity (SAN), or null.</param>
/// <param name="Issuer">The keyless OIDC issuer, or null.</param>
/// <param name="KeyId">A key fingerprint (hex SHA-256 of the SPKI), or null.</param>
/// <param name="TlogIndex">The transparency log index, or null.</param>
/// <param name="IntegratedTime">The log's (or TSA's) time, or null.</param>
/// <param name="Checks">Every step's result, in order.</param>
internal sealed record SignatureVerification(
    string Kind,
    bool Verified,
    string Reason,
    string? Authority,
    string? Identity,
    string? Issuer,
    string? KeyId,
    long? TlogIndex,
    DateTimeOffset? IntegratedTime,
    IReadOnlyList<CheckResult> Checks)
{
    /// <summary>The image digest this signature was checked against (an index or a platform manifest); null when unknown.</summary>
    public Digest? Subject { get; init; }

    /// <summary>Where the signature was found, e.g. <c>host/repo:sha256-….sig</c> (layer 0); null when unknown.</summary>
    public string? Location { get; init; }

    /// <summary>The payload's <c>docker-reference</c> claim; null when absent.</summary>
    public string? DockerReference { get; init; }

    /// <summary>Checks that failed but that the rule does not enforce (e.g. a docker-reference mismatch); never null.</summary>
    public IReadOnlyList<CheckResult> Warnings { get; init; } = [];
}
