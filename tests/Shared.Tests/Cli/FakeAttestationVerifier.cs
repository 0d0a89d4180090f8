using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>Returns a prepared attestation verdict and records what it was asked.</summary>
internal sealed class FakeAttestationVerifier : AttestationVerifier
{
    private readonly Func<ImageReference, AttestationRequirement, AttestationVerificationResult> _verdict;

    public FakeAttestationVerifier(Func<ImageReference, AttestationRequirement, AttestationVerificationResult> verdict)
    {
        _verdict = verdict;
    }

    public List<(ImageReference Image, AttestationRequirement Requirement, PolicyRule Rule)> Calls { get; } = [];

    public override Task<AttestationVerificationResult> VerifyAsync(
        ImageReference image, AttestationRequirement requirement, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        Calls.Add((image, requirement, rule));
        return Task.FromResult(_verdict(image, requirement));
    }
}
