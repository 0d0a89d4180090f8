using ImageTrust.Model;
using ImageTrust.Registry;
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
        VerifyBundleAsync = (_, _) => throw new ConfigurationException("the bundle verification engine is not part of this build yet"),
    };

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
