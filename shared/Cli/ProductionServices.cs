using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Signing.Keys;
using ImageTrust.Verification;

namespace ImageTrust.Cli;

/// <summary>The real engines behind the CLI.</summary>
internal static class ProductionServices
{
    private static readonly TimeSpan KmsTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the production services.</summary>
    public static CliServices Create() => new()
    {
        CreateImageVerifier = CreateImageVerifier,
        CreateAttestationVerifier = _ => throw new ConfigurationException("the attestation verification engine is not part of this build yet"),
        VerifyBundleAsync = VerifyBundleAsync,
    };

    private static Task<BundleVerificationOutcome> VerifyBundleAsync(BundleVerificationRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = ImageTrust.Signing.Bundles.VerifyBundleCommand.Run(
            request.BundlePath,
            request.ArtifactPath ?? request.ArtifactDigest!.ToString(),
            request.Identity,
            request.Issuer,
            request.KeyPath,
            request.TrustedRootPath);
        var failure = CheckResults.FirstFailure(result.Checks);
        var detail = failure is null ? "verified" : $"{failure.Step}: {failure.Detail}";
        return Task.FromResult(new BundleVerificationOutcome(result.Verified, result.Reason, detail));
    }

    private static ImageVerifier CreateImageVerifier(RegistryAccess access)
    {
        var options = RegistryClientOptions.FromEnvironment(access.PlainHttpRegistries);
        options.Validate();
        var registry = RegistryClientFactory.Create(options, RegistryCredentialSource.CreateDefault());
        var tokens = new GoogleApplicationDefaultTokenSource();
        var kms = new CloudKmsPublicKeyClient(
            new HttpClient { Timeout = KmsTimeout },
            cancellationToken => new ValueTask<string>(tokens.GetAccessTokenAsync(cancellationToken)));
        return SigstoreImageVerifier.Create(registry, TimeProvider.System, kms: kms);
    }
}
