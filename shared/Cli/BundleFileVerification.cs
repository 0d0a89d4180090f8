using ImageTrust.Model;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Cli;

/// <summary>
/// What <c>imagetrust verify-bundle</c> verifies, following the sigstore-conformance client protocol:
/// <c>verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key KEY) [--trusted-root FILE] FILE_OR_DIGEST</c>.
/// Exit 0 when <see cref="BundleVerificationResult.Verified"/>, 1 otherwise, 2 on <see cref="ConfigurationException"/>.
/// </summary>
internal static class BundleFileVerification
{
    /// <summary>The largest artifact file read.</summary>
    public const long MaxArtifactBytes = 256L * 1024 * 1024;

    /// <summary>Verifies a bundle file against an artifact file or a <c>sha256:&lt;hex&gt;</c> digest.</summary>
    /// <param name="bundlePath">The bundle JSON file.</param>
    /// <param name="fileOrDigest">The artifact path, or <c>sha256:&lt;hex&gt;</c>.</param>
    /// <param name="certificateIdentity">The exact SAN expected (keyless), or null with <paramref name="keyPath"/>.</param>
    /// <param name="certificateOidcIssuer">The exact OIDC issuer expected (keyless), or null with <paramref name="keyPath"/>.</param>
    /// <param name="keyPath">A PEM public key file (key-based), or null.</param>
    /// <param name="trustedRootPath">A <c>trusted_root.json</c>, or null for the Sigstore public-good root.</param>
    /// <param name="timeProvider">The clock (for "integrated time in the future"); the system clock when null.</param>
    /// <exception cref="ConfigurationException">The flags are inconsistent, or a file is missing or invalid (key, trusted root, artifact).</exception>
    public static BundleVerificationResult Run(
        string bundlePath,
        string fileOrDigest,
        string? certificateIdentity,
        string? certificateOidcIssuer,
        string? keyPath,
        string? trustedRootPath,
        TimeProvider? timeProvider = null)
    {
        var keyless = certificateIdentity is not null || certificateOidcIssuer is not null;
        if (keyless == (keyPath is not null) || (keyless && (certificateIdentity is null || certificateOidcIssuer is null)))
        {
            throw new ConfigurationException("give either --certificate-identity with --certificate-oidc-issuer, or --key");
        }

        var material = trustedRootPath is null ? TrustedMaterial.PublicGood : Load(trustedRootPath, "trusted root", bytes => TrustedRootParser.Parse(bytes));
        var artifact = fileOrDigest.StartsWith("sha256:", StringComparison.Ordinal)
            ? Load(fileOrDigest, "artifact digest", _ => BundleArtifact.FromDigestString(fileOrDigest), readFile: false)
            : Load(fileOrDigest, "artifact", BundleArtifact.FromContent);
        var policy = keyPath is not null
            ? BundleVerificationPolicy.ForKey(artifact, Load(keyPath, "public key", bytes => PublicKeyParser.ParsePem(System.Text.Encoding.UTF8.GetString(bytes))))
            : BundleVerificationPolicy.ForIdentity(artifact, new CertificateIdentity(StringMatcher.ExactValue(certificateIdentity!), StringMatcher.ExactValue(certificateOidcIssuer!)));

        var bundle = OperatorFile.Read(bundlePath, SigstoreBundleParser.MaxBytes, $"bundle {bundlePath}");

        var verifier = new BundleVerifier(material, BundleVerifierOptions.Default, timeProvider ?? TimeProvider.System);
        return verifier.Verify(bundle, policy);
    }

    private static T Load<T>(string path, string what, Func<byte[], T> parse, bool readFile = true)
    {
        var bytes = readFile ? OperatorFile.Read(path, MaxArtifactBytes, $"{what} {path}") : [];
        try
        {
            return parse(bytes);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"invalid {what} {path}: {e.Message}", e);
        }
    }
}
