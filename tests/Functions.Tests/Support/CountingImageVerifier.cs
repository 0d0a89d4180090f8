using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Verification;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>Wraps the real verification engine and counts verifications.</summary>
internal sealed class CountingImageVerifier : ImageVerifier
{
    private readonly ImageVerifier _inner;
    private int _count;

    public CountingImageVerifier(ImageVerifier inner)
    {
        _inner = inner;
    }

    public int Count => Volatile.Read(ref _count);

    public override Task<ImageVerificationResult> VerifyAsync(ImageReference image, PolicyRule rule, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return _inner.VerifyAsync(image, rule, cancellationToken);
    }
}
