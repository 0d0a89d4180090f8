using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Auth;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.Kms;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Hosting;
using ImageTrust.Model;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline;

/// <summary>
/// The one composition root, shared by the three functions and the CLI: the platform (clock, logging, the two named
/// <see cref="HttpClient"/>s from <see cref="IHttpClientFactory"/>, the one Application Default Credentials token source), the
/// verification engine with its registry client and Cloud KMS keys, the Google adapters, the record store or the read-only
/// record reader, and the pipeline services. Everything is a singleton (nothing holds per-request state), so coalesced work can
/// outlive the request that started it. Registrations made before these calls win (tests substitute adapters that way).
/// </summary>
internal static class PipelineServices
{
    /// <summary>The named client for registries: no automatic redirects (the registry client follows them under its own rules), no decompression.</summary>
    public const string RegistryHttpClient = "ImageTrust.Registry";

    /// <summary>The named client for Google APIs (Pub/Sub, Firestore, Container Analysis, Cloud KMS).</summary>
    public const string GoogleHttpClient = "ImageTrust.Google";

    /// <summary>
    /// Registers the platform every entry point needs (once, however often it is called): <see cref="TimeProvider.System"/>,
    /// logging, the two named clients (no client-wide timeout, since the retrying sender keeps attempt timeouts and deadlines on
    /// the injected clock; handlers never rotated, connections recycled every 5 minutes; no per-request log lines) and the
    /// Application Default Credentials token source, loaded on first use, so emulator-only runs never look for credentials.
    /// </summary>
    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(PlatformRegistered)))
        {
            return services;
        }

        services.AddSingleton<PlatformRegistered>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<AccessTokenSource, ApplicationDefaultTokenSource>();
        services.AddHttpClient(RegistryHttpClient, RegistryHttp.Configure)
            .ConfigurePrimaryHttpMessageHandler(RegistryHttp.CreateHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddHttpClient(GoogleHttpClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,

                // Google APIs answer in place: a redirect is an error, never followed with an access token.
                AllowAutoRedirect = false,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>
    /// Registers the verification engine: the registry client for <paramref name="registry"/> (credentials from the docker config,
    /// then the token source for Google registries), Cloud KMS public keys from <paramref name="kms"/> (fetched once per key
    /// version and cached by the engine), and <see cref="ImageVerifier"/> and <see cref="SigstoreAttestationVerifier"/> under
    /// <paramref name="options"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">The registry options are invalid.</exception>
    public static IServiceCollection AddVerification(this IServiceCollection services, RegistryClientOptions registry, GoogleServiceEndpoint kms, ImageVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentNullException.ThrowIfNull(options);
        registry.Validate();
        services.AddPlatform();
        services.TryAddSingleton(options);
        services.TryAddSingleton(provider => RegistryCredentialSource.CreateDefault(provider.GetRequiredService<AccessTokenSource>()));
        services.TryAddSingleton<RegistryClient>(provider => new DistributionRegistryClient(
            Http(provider, RegistryHttpClient),
            registry,
            provider.GetRequiredService<RegistryCredentialSource>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<DistributionRegistryClient>>()));
        services.TryAddSingleton<CloudKmsPublicKeySource>(provider => new RestCloudKmsPublicKeySource(
            Http(provider, GoogleHttpClient),
            kms,
            TokensFor(provider, kms),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestCloudKmsPublicKeySource>>()));
        services.TryAddSingleton(provider => SigstoreAttestationVerifier.Create(
            provider.GetRequiredService<RegistryClient>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SigstoreAttestationVerifier>>(),
            provider.GetRequiredService<CloudKmsPublicKeySource>(),
            provider.GetRequiredService<ImageVerifierOptions>()));
        services.TryAddSingleton<ImageVerifier>(CreateImageVerifier);
        return services;
    }

    /// <summary>
    /// Registers the read-only <see cref="ImageRecordReader"/> on Firestore (what <c>imagetrust status</c> needs): no Pub/Sub
    /// publisher, no Container Analysis, no registry.
    /// </summary>
    public static IServiceCollection AddRecordReader(this IServiceCollection services, GoogleCloudSettings google)
    {
        ArgumentNullException.ThrowIfNull(google);
        AddFirestore(services, google);
        services.TryAddSingleton<ImageRecordReader>(provider => new FirestoreImageRecordReader(provider.GetRequiredService<FirestoreDocumentStore>()));
        return services;
    }

    /// <summary>Registers everything the functions need for <paramref name="settings"/>.</summary>
    /// <exception cref="ConfigurationException">The registry options are invalid.</exception>
    public static IServiceCollection Add(IServiceCollection services, PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(settings.Topics);
        services.TryAddSingleton<TrustPolicy>(settings.Policy);
        services.AddVerification(settings.Registry, settings.Google.Kms, new ImageVerifierOptions { Limits = new VerificationLimits { Timeout = settings.VerificationTimeout } });
        AddFirestore(services, settings.Google);
        services.TryAddSingleton<PubSubPublisher>(provider => new BatchingPubSubPublisher(new RestPubSubPublisher(
            Http(provider, GoogleHttpClient),
            settings.Google,
            TokensFor(provider, settings.Google.PubSub),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestPubSubPublisher>>())));
        services.TryAddSingleton<ContainerAnalysisClient>(provider => new RestContainerAnalysisClient(
            Http(provider, GoogleHttpClient),
            settings.Google,
            TokensFor(provider, settings.Google.ContainerAnalysis),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestContainerAnalysisClient>>()));
        if (settings.Attestation is { } attestor)
        {
            services.TryAddSingleton(attestor);
            services.TryAddSingleton<CloudKmsSigner>(provider => new RestCloudKmsSigner(
                Http(provider, GoogleHttpClient),
                settings.Google.Kms,
                TokensFor(provider, settings.Google.Kms),
                provider.GetRequiredService<CloudKmsPublicKeySource>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<RestCloudKmsSigner>>()));
            services.TryAddSingleton<ImageAttestor, BinaryAuthorizationAttestor>();
            services.TryAddSingleton<AttestationReconciler>();
        }

        services.TryAddSingleton<ImageRecordStore>(CreateRecordStore);
        services.TryAddSingleton<ImageRecordReader>(provider => provider.GetRequiredService<ImageRecordStore>());

        services.TryAddSingleton(provider => new ImageWorkCoalescer(settings.OccurrenceCoalesceWindow, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PushVerificationService>();
        services.TryAddSingleton<OccurrenceService>();
        services.TryAddSingleton(new ReverificationSchedule(settings.Policy, settings.ReverifyMaxAge));
        if (settings.Topics.ConfirmsBySubscription)
        {
            services.TryAddSingleton(provider => new RestPubSubSubscriber(
                Http(provider, GoogleHttpClient),
                settings.Google,
                TokensFor(provider, settings.Google.PubSub),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<RestPubSubSubscriber>>()));
            services.TryAddSingleton<OutboxConfirmer>();
        }

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

    /// <summary>The verification engine (image signatures, then required attestations) over the registered registry client (tests wrap it).</summary>
    public static ImageVerifier CreateImageVerifier(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new AttestedImageVerifier(
            SigstoreImageVerifier.Create(
                provider.GetRequiredService<RegistryClient>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<SigstoreImageVerifier>>(),
                provider.GetRequiredService<CloudKmsPublicKeySource>(),
                provider.GetRequiredService<ImageVerifierOptions>()),
            provider.GetRequiredService<SigstoreAttestationVerifier>());
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
            provider.GetRequiredService<ILogger<FirestoreImageRecordStore>>(),
            schedule: provider.GetService<ReverificationSchedule>(),
            attestor: provider.GetService<ImageAttestor>());
    }

    private static void AddFirestore(IServiceCollection services, GoogleCloudSettings google)
    {
        services.AddPlatform();
        services.TryAddSingleton(google);
        services.TryAddSingleton<FirestoreDocumentStore>(provider => new RestFirestoreDocumentStore(
            Http(provider, GoogleHttpClient),
            google,
            TokensFor(provider, google.Firestore),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestFirestoreDocumentStore>>()));
    }

    private static HttpClient Http(IServiceProvider provider, string name) => provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    // Emulators and local stand-ins get no Google credentials.
    private static AccessTokenSource? TokensFor(IServiceProvider provider, GoogleServiceEndpoint endpoint)
        => endpoint.IsEmulator ? null : provider.GetRequiredService<AccessTokenSource>();

    private sealed class PlatformRegistered;
}
