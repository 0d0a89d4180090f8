using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>Returns a prepared verdict (or throws a prepared exception) and records what it was asked.</summary>
internal sealed class FakeImageVerifier : ImageVerifier
{
    private readonly Func<ImageReference, PolicyRule, ImageVerificationResult> _verdict;

    public FakeImageVerifier(Func<ImageReference, PolicyRule, ImageVerificationResult> verdict)
    {
        _verdict = verdict;
    }

    public List<(ImageReference Image, PolicyRule Rule)> Calls { get; } = [];

    public override Task<ImageVerificationResult> VerifyAsync(ImageReference image, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        Calls.Add((image, rule));
        return Task.FromResult(_verdict(image, rule));
    }
}
