using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Auth;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Pipeline.Records;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Signing.Keys;
using ImageTrust.Verification;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Cli;

/// <summary>The real engines behind the CLI.</summary>
internal static class ProductionServices
{
    private static readonly TimeSpan KmsTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GoogleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the production services.</summary>
    public static CliServices Create() => new()
    {
        CreateImageVerifier = CreateImageVerifier,
        CreateAttestationVerifier = CreateAttestationVerifier,
        VerifyBundleAsync = VerifyBundleAsync,
        CreateRecordStore = CreateRecordStore,
    };

    private static ImageRecordStore CreateRecordStore(CliConsole console)
    {
        var settings = GoogleCloudSettings.FromEnvironment(console.GetEnvironmentVariable);
        var http = new HttpClient { Timeout = GoogleTimeout };
        var tokens = new ApplicationDefaultTokenSource();
        var documents = new RestFirestoreDocumentStore(http, settings, tokens, TimeProvider.System, NullLogger<RestFirestoreDocumentStore>.Instance);

        // status only reads; the publisher is there because the store's constructor wants one.
        var publisher = new RestPubSubPublisher(http, settings, tokens, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
        return new FirestoreImageRecordStore(
            documents, publisher, ImageEventTopics.FromEnvironment(console.GetEnvironmentVariable), TimeProvider.System, NullLogger<FirestoreImageRecordStore>.Instance);
    }

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
        var registry = CreateRegistry(access);
        var kms = CreateKms();
        var options = VerifierOptions(access);
        return new AttestedImageVerifier(
            SigstoreImageVerifier.Create(registry, TimeProvider.System, kms: kms, options: options),
            SigstoreAttestationVerifier.Create(registry, TimeProvider.System, kms: kms, options: options));
    }

    private static AttestationVerifier CreateAttestationVerifier(RegistryAccess access)
        => new EngineAttestationVerifier(SigstoreAttestationVerifier.Create(CreateRegistry(access), TimeProvider.System, kms: CreateKms(), options: VerifierOptions(access)));

    private static ImageVerifierOptions VerifierOptions(RegistryAccess access)
        => new() { Limits = new VerificationLimits { Timeout = access.Timeout } };

    private static RegistryClient CreateRegistry(RegistryAccess access) => CliRegistryClients.Create(access);

    private static CloudKmsPublicKeyClient CreateKms()
    {
        var tokens = new GoogleApplicationDefaultTokenSource();
        return new CloudKmsPublicKeyClient(
            new HttpClient { Timeout = KmsTimeout },
            cancellationToken => new ValueTask<string>(tokens.GetAccessTokenAsync(cancellationToken)));
    }
}
