using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>What one verification call requires: the artifact (always), and either a keyless identity or a public key.</summary>
internal sealed record BundleVerificationPolicy
{
    private BundleVerificationPolicy(BundleArtifact artifact, CertificateIdentity? identity, VerificationKey? key)
    {
        Artifact = artifact;
        Identity = identity;
        Key = key;
    }

    /// <summary>The artifact the bundle must be about.</summary>
    public BundleArtifact Artifact { get; }

    /// <summary>The expected keyless identity, or null for key-based verification.</summary>
    public CertificateIdentity? Identity { get; }

    /// <summary>The expected public key, or null for keyless verification.</summary>
    public VerificationKey? Key { get; }

    /// <summary>Keyless: the bundle must carry a certificate matching <paramref name="identity"/>.</summary>
    public static BundleVerificationPolicy ForIdentity(BundleArtifact artifact, CertificateIdentity identity) => new(artifact, identity, null);

    /// <summary>Key-based: the bundle must be signed by <paramref name="key"/>.</summary>
    public static BundleVerificationPolicy ForKey(BundleArtifact artifact, VerificationKey key) => new(artifact, null, key);
}
