using ImageTrust.Model;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies one Sigstore bundle against one key or identity (verify-bundle, the sigstore-conformance client protocol) per the
/// Sigstore client specification, with the one <see cref="SignedEntityVerifier"/> step sequence: the signature over the
/// artifact or the DSSE PAE; signing times from RFC 3161 timestamps and the transparency log (SET); log entries by body,
/// inclusion proof, checkpoint and SET; the certificate chain, usage, SCT and identity at every signing time. Built once from
/// trust material and options; thread-safe. Never throws for a verdict: every outcome is a <see cref="BundleVerificationResult"/>.
/// </summary>
internal sealed class BundleVerifier
{
    // The signer verify-bundle's flags describe, as the step sequence names it.
    private const string Signer = "verify-bundle";

    private readonly TrustedMaterial _material;
    private readonly BundleVerifierOptions _options;
    private readonly SignedEntityVerifier _entities;

    /// <summary>Creates a verifier.</summary>
    public BundleVerifier(TrustedMaterial material, BundleVerifierOptions options, TimeProvider timeProvider)
    {
        _material = material;
        _options = options;
        _entities = new SignedEntityVerifier(timeProvider);
    }

    /// <summary>Parses and verifies bundle JSON; a malformed bundle is a failed verification (<c>BUNDLE_MALFORMED</c>).</summary>
    public BundleVerificationResult Verify(ReadOnlyMemory<byte> bundleJson, BundleVerificationPolicy policy)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundleParser.Parse(bundleJson);
        }
        catch (FormatException e)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("bundle", "BUNDLE_MALFORMED", e.Message));
        }

        return Verify(bundle, policy);
    }

    /// <summary>
    /// Verifies a cosign v3 image signature: a DSSE bundle whose in-toto statement has predicate type
    /// <c>https://sigstore.dev/cosign/sign/v1</c> and a subject whose sha256 is <paramref name="imageDigest"/>.
    /// </summary>
    /// <param name="bundle">The bundle from the referrer or fallback tag.</param>
    /// <param name="imageDigest">The image manifest digest (sha256).</param>
    /// <param name="identity">The expected keyless identity, or null when <paramref name="key"/> is given.</param>
    /// <param name="key">The expected key, or null when <paramref name="identity"/> is given.</param>
    public BundleVerificationResult VerifyImageSignature(SigstoreBundle bundle, Digest imageDigest, CertificateIdentity? identity, VerificationKey? key)
    {
        if (imageDigest.Algorithm != "sha256")
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("image-signature", "UNSUPPORTED_DIGEST", $"{imageDigest} is not a sha256 digest"));
        }

        var artifact = BundleArtifact.FromSha256(imageDigest.ToBytes());
        var policy = identity is not null ? BundleVerificationPolicy.ForIdentity(artifact, identity)
            : key is not null ? BundleVerificationPolicy.ForKey(artifact, key)
            : throw new ArgumentException("an identity or a key is required");
        var result = Verify(bundle, policy);
        var checks = new List<CheckResult>(result.Checks.Count + 1);
        checks.AddRange(result.Checks);
        StatementPolicy.ImageSignature.Check(bundle.Envelope, result.Statement, checks);
        return result with { Verified = result.Verified && CheckResults.AllPassed(checks), Checks = checks };
    }

    /// <summary>Verifies a parsed bundle against <paramref name="policy"/> with the one signed-entity step sequence.</summary>
    public BundleVerificationResult Verify(SigstoreBundle bundle, BundleVerificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(policy);
        var leaf = bundle.Certificate;
        if (policy.Identity is not null && leaf is null)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("verification-material", "KEY_BUNDLE_WITHOUT_KEY", "the bundle is signed with a key but no key was given"));
        }

        if (policy.Key is not null && leaf is not null)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("verification-material", "CERTIFICATE_BUNDLE_WITH_KEY", "the bundle carries a certificate but a key was given"));
        }

        if ((leaf is not null ? leaf.PublicKey : policy.Key) is null)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("verification-material", "UNSUPPORTED_KEY", "the certificate's key algorithm is not supported"));
        }

        var entity = SignedEntity.FromBundle(bundle, policy.Artifact, null, null, _options);
        Signer signer = policy.Identity is { } identity
            ? new IdentitySigner(Signer, identity, () => _material)
            : new KeySigner(Signer, policy.Key!, () => _material);
        var keylessSignature = default(SignedEntityVerifier.KeylessSignature);
        var verification = _entities.VerifyWith(entity, signer, ref keylessSignature);
        return new BundleVerificationResult(
            verification.Verified, verification.Checks, verification.Identity, verification.Issuer, verification.KeyId, verification.TlogIndex, verification.IntegratedTime, entity.Statement);
    }
}
