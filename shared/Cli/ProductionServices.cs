using ImageTrust.GoogleCloud;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Records;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Cli;

/// <summary>
/// The real engines behind the CLI, from the composition root the functions use too (<see cref="PipelineServices"/>): each
/// command builds only what it needs, so <c>verify</c> never reads Google settings and <c>status</c> gets a read-only record
/// reader (no Pub/Sub publisher, no registry client).
/// </summary>
internal static class ProductionServices
{
    /// <summary>Creates the production services over the process environment.</summary>
    public static CliServices Create() => Create(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Creates the production services; <paramref name="environment"/> supplies <c>IMAGETRUST_HTTP_REGISTRIES</c> and
    /// <c>IMAGETRUST_KMS_ENDPOINT</c> to the verifiers (<c>status</c> reads the console's environment).
    /// </summary>
    public static CliServices Create(Func<string, string?> environment) => new()
    {
        CreateImageVerifier = access => Verification(access, environment).GetRequiredService<ImageVerifier>(),
        CreateAttestationVerifier = access => new EngineAttestationVerifier(Verification(access, environment).GetRequiredService<SigstoreAttestationVerifier>()),
        VerifyBundleAsync = VerifyBundleAsync,
        CreateRecordReader = console => new ServiceCollection()
            .AddRecordReader(GoogleCloudSettings.FromEnvironment(console.GetEnvironmentVariable))
            .BuildServiceProvider()
            .GetRequiredService<ImageRecordReader>(),
    };

    // The CLI process ends after one command, so the provider (and the HttpClients it pools) lives as long as the process.
    private static ServiceProvider Verification(RegistryAccess access, Func<string, string?> environment)
    {
        var registry = RegistryClientOptions.FromEnvironment(access.PlainHttpRegistries, environment);
        var kms = GoogleCloudSettings.KmsFromEnvironment(environment);
        var options = new ImageVerifierOptions { Limits = new VerificationLimits { Timeout = access.Timeout } };
        return new ServiceCollection().AddVerification(registry, kms, options).BuildServiceProvider();
    }

    private static Task<BundleVerificationOutcome> VerifyBundleAsync(BundleVerificationRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = BundleFileVerification.Run(
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
}
