using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// What both engines (image signatures, attestations) are built from: the registry, the authority resolver, the one
/// signed-entity verifier, validated options and the clock. Created once by <see cref="Create"/> and taken by both
/// constructors, so they are wired, and their budgets made, the same way.
/// </summary>
/// <param name="Registry">The registry client.</param>
/// <param name="Authorities">Resolves a rule's authorities into signers (PEM and Cloud KMS keys, identities).</param>
/// <param name="Entities">Verifies each signed entity (classic layer or bundle).</param>
/// <param name="Options">Engine options, their limits validated.</param>
/// <param name="TimeProvider">The clock of the verification deadline and of log times.</param>
internal sealed record VerificationSteps(RegistryClient Registry, AuthorityResolver Authorities, SignedEntityVerifier Entities, ImageVerifierOptions Options, TimeProvider TimeProvider)
{
    /// <summary>The real collaborators: trust material cached per source, Cloud KMS keys when <paramref name="kms"/> is given.</summary>
    /// <exception cref="ConfigurationException">The options' limits are out of range.</exception>
    public static VerificationSteps Create(RegistryClient registry, TimeProvider timeProvider, CloudKmsPublicKeySource? kms = null, ImageVerifierOptions? options = null)
    {
        options ??= new ImageVerifierOptions();
        options.Limits.Validate();
        return new VerificationSteps(registry, new AuthorityResolver(kms), new SignedEntityVerifier(timeProvider), options, timeProvider);
    }

    /// <summary>A fresh budget for one verification under these limits, cancelled by <paramref name="cancellationToken"/> too.</summary>
    public VerificationBudget CreateBudget(CancellationToken cancellationToken) => new(Options.Limits, TimeProvider, cancellationToken);
}
