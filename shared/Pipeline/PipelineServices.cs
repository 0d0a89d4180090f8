using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Auth;
using GoogleAccessTokenSource = ImageTrust.GoogleCloud.Auth.AccessTokenSource;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing.Keys;
using ImageTrust.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline;

/// <summary>
/// The service registrations shared by the three functions: Google adapters (REST), the record store with its outbox, the
/// registry client and verification engine, the pipeline services and the Pub/Sub alerter. Everything is a singleton (the
/// services hold no per-request state), so coalesced work can outlive the request that started it.
/// Registrations made before this call win (tests substitute adapters that way).
/// </summary>
internal static class PipelineServices
{
    /// <summary>Registers the pipeline for <paramref name="settings"/>.</summary>
    public static IServiceCollection Add(IServiceCollection services, PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(settings.Google);
        services.TryAddSingleton(settings.Topics);
        services.TryAddSingleton<TrustPolicy>(settings.Policy);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new GoogleApiHttpClient(CreateGoogleHttpClient()));
        // Credentials load lazily on the first token request, so emulator-only runs never look for them.
        services.TryAddSingleton<GoogleAccessTokenSource>(_ => new ApplicationDefaultTokenSource());

        services.TryAddSingleton<FirestoreDocumentStore>(provider => new RestFirestoreDocumentStore(
            provider.GetRequiredService<GoogleApiHttpClient>().Client,
            settings.Google,
            TokensFor(provider, settings.Google.Firestore),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestFirestoreDocumentStore>>()));
        services.TryAddSingleton<PubSubPublisher>(provider => new BatchingPubSubPublisher(new RestPubSubPublisher(
            provider.GetRequiredService<GoogleApiHttpClient>().Client,
            settings.Google,
            TokensFor(provider, settings.Google.PubSub),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestPubSubPublisher>>())));
        services.TryAddSingleton<ContainerAnalysisClient>(provider => new RestContainerAnalysisClient(
            provider.GetRequiredService<GoogleApiHttpClient>().Client,
            settings.Google,
            TokensFor(provider, settings.Google.ContainerAnalysis),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestContainerAnalysisClient>>()));
        services.TryAddSingleton<ImageRecordStore>(CreateRecordStore);

        services.TryAddSingleton(provider => RegistryClientFactory.Create(
            settings.Registry,
            RegistryCredentialSource.CreateDefault(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(provider =>
        {
            // gcpkms:// policy keys: the public key is fetched once per key version and cached by the verifier.
            var endpoint = settings.Google.Kms;
            var tokens = TokensFor(provider, endpoint);
            return new CloudKmsPublicKeyClient(
                provider.GetRequiredService<GoogleApiHttpClient>().Client,
                cancellationToken => tokens is null ? ValueTask.FromResult("local") : new ValueTask<string>(tokens.GetAccessTokenAsync(cancellationToken)),
                endpoint.BaseUri);
        });
        services.TryAddSingleton<ImageVerifier>(CreateImageVerifier);

        services.TryAddSingleton(provider => new ImageWorkCoalescer(settings.OccurrenceCoalesceWindow, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PushVerificationService>();
        services.TryAddSingleton<OccurrenceService>();
        services.TryAddSingleton<ReverificationService>();
        services.TryAddSingleton<IPermanentFailureAlerter, PubSubPermanentFailureAlerter>();
        return services;
    }

    /// <summary>
    /// Adds the pipeline to a function host, reading <see cref="PipelineSettings"/> from the host's environment (so a bad
    /// policy or missing variable fails the start with one line).
    /// </summary>
    public static FunctionHostBuilder AddPipeline(this FunctionHostBuilder host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Context.Environment.Get);
        return host.ConfigureServices((_, services) => Add(services, settings));
    }

    /// <summary>The verification engine (trust material, classic and bundle verifiers) over the registered registry client (tests wrap it).</summary>
    public static ImageVerifier CreateImageVerifier(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var registry = provider.GetRequiredService<RegistryClient>();
        var timeProvider = provider.GetRequiredService<TimeProvider>();
        var kms = provider.GetService<CloudKmsPublicKeyClient>();
        var settings = provider.GetRequiredService<PipelineSettings>();
        var options = new ImageVerifierOptions { Limits = new VerificationLimits { Timeout = settings.VerificationTimeout } };
        return new AttestedImageVerifier(
            SigstoreImageVerifier.Create(registry, timeProvider, provider.GetRequiredService<ILogger<SigstoreImageVerifier>>(), kms, options),
            SigstoreAttestationVerifier.Create(registry, timeProvider, provider.GetRequiredService<ILogger<SigstoreAttestationVerifier>>(), kms, options));
    }

    /// <summary>The Firestore record store over the registered adapters (tests wrap it).</summary>
    public static ImageRecordStore CreateRecordStore(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new FirestoreImageRecordStore(
            provider.GetRequiredService<FirestoreDocumentStore>(),
            provider.GetRequiredService<PubSubPublisher>(),
            provider.GetRequiredService<ImageEventTopics>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<FirestoreImageRecordStore>>());
    }

    private static GoogleAccessTokenSource? TokensFor(IServiceProvider provider, GoogleServiceEndpoint endpoint)
        => endpoint.IsEmulator ? null : provider.GetService<GoogleAccessTokenSource>();

    private static HttpClient CreateGoogleHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }
}
