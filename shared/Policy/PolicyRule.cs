using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>One rule of the trust policy: which repositories it covers and what their images must satisfy.</summary>
/// <param name="Name">A unique name, used in records and events.</param>
/// <param name="Scopes">Repository globs such as <c>europe-docker.pkg.dev/p/repo/**</c>.</param>
/// <param name="Authorities">Who may sign; at least one.</param>
/// <param name="Threshold">How many distinct authorities must have signed (1 ≤ k ≤ n).</param>
/// <param name="RequireTlog">A transparency-log proof is required (false only via <c>insecure-ignore-tlog</c>).</param>
/// <param name="RequireSct">An SCT is required on keyless certificates (false only via <c>insecure-ignore-sct</c>).</param>
/// <param name="Mode">What a failure leads to.</param>
/// <param name="SignatureGracePeriod">How long an unsigned image is pending rather than failed; null for none.</param>
/// <param name="MultiArch">Which digests of a multi-arch index must be signed.</param>
/// <param name="Formats">Which signature formats are accepted.</param>
/// <param name="Attestations">Attestations the image must also carry.</param>
/// <param name="Vulnerabilities">The vulnerability policy, or null to ignore vulnerability findings.</param>
internal sealed record PolicyRule(
    string Name,
    IReadOnlyList<RepositoryGlob> Scopes,
    IReadOnlyList<Authority> Authorities,
    int Threshold,
    bool RequireTlog,
    bool RequireSct,
    EnforcementMode Mode,
    TimeSpan? SignatureGracePeriod,
    MultiArchRequirement MultiArch,
    SignatureFormats Formats,
    IReadOnlyList<AttestationRequirement> Attestations,
    VulnerabilityPolicy? Vulnerabilities)
{
    /// <summary>
    /// A classic signature's docker-reference must name the image's repository (<c>dockerReference: required</c>); by default a
    /// mismatch is only a warning, as cosign does not check it.
    /// </summary>
    public bool RequireDockerReference { get; init; }

    /// <summary>Whether any scope glob matches the image's <c>registry/repository</c>.</summary>
    public bool Covers(ImageReference image) => Scopes.Any(scope => scope.Matches(image.RepositoryName));
}
