using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Verification;

/// <summary>
/// Verifies an image against one policy rule: resolves the digest, discovers classic <c>.sig</c> signatures and Sigstore bundles,
/// verifies each, and applies the rule's threshold over distinct authorities.
/// </summary>
internal abstract class ImageVerifier
{
    /// <summary>
    /// Verifies <paramref name="image"/> (by digest, or by tag which is resolved first). An expected failure (unsigned, wrong key,
    /// bad proof, hostile registry content, a spent verification budget or deadline) is a result with
    /// <see cref="ImageVerificationResult.Verified"/> false, never an exception.
    /// </summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The registry or a key service is unavailable.</exception>
    /// <exception cref="ImageTrust.Model.ConfigurationException">The rule's trust material can't be loaded.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public abstract Task<ImageVerificationResult> VerifyAsync(ImageReference image, PolicyRule rule, CancellationToken cancellationToken = default);
}
