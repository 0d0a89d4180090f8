using ImageTrust.GoogleCloud.Auth;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud;

/// <summary>Registers the Google adapters for a function host or tool.</summary>
internal static class GoogleCloudServiceCollectionExtensions
{
    /// <summary>The named HttpClient the adapters share.</summary>
    public const string HttpClientName = "ImageTrust.GoogleCloud";

    /// <summary>
    /// Registers <paramref name="settings"/>, an Application Default Credentials token source (loaded lazily, never used
    /// against emulators), and singleton <see cref="PubSubPublisher"/>, <see cref="FirestoreDocumentStore"/> and
    /// <see cref="ContainerAnalysisClient"/> over one pooled HttpClient (connections recycled every 2 minutes).
    /// </summary>
    public static IServiceCollection AddGoogleCloudAdapters(this IServiceCollection services, GoogleCloudSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddSingleton(settings);
        services.TryAddSingleton<AccessTokenSource, ApplicationDefaultTokenSource>();
        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AutomaticDecompression = System.Net.DecompressionMethods.All })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<PubSubPublisher>(sp => new RestPubSubPublisher(Http(sp), settings, sp.GetRequiredService<AccessTokenSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RestPubSubPublisher>>()));
        services.TryAddSingleton<FirestoreDocumentStore>(sp => new RestFirestoreDocumentStore(Http(sp), settings, sp.GetRequiredService<AccessTokenSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RestFirestoreDocumentStore>>()));
        services.TryAddSingleton<ContainerAnalysisClient>(sp => new RestContainerAnalysisClient(Http(sp), settings, sp.GetRequiredService<AccessTokenSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RestContainerAnalysisClient>>()));
        services.TryAddSingleton(sp => new PubSubAdmin(Http(sp), settings, sp.GetRequiredService<AccessTokenSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PubSubAdmin>>()));
        return services;
    }

    private static HttpClient Http(IServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
}
