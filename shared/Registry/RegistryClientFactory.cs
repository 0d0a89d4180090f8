using Microsoft.Extensions.Logging;

namespace ImageTrust.Registry;

/// <summary>Builds a ready <see cref="RegistryClient"/> for the CLI and the functions.</summary>
internal static class RegistryClientFactory
{
    /// <summary>A <see cref="DistributionRegistryClient"/> over a fresh, suitably configured <see cref="HttpClient"/>.</summary>
    /// <exception cref="Model.ConfigurationException">The options are invalid.</exception>
    public static RegistryClient Create(
        RegistryClientOptions options,
        RegistryCredentialSource credentials,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        => new DistributionRegistryClient(CreateHttpClient(), options, credentials, timeProvider ?? TimeProvider.System, loggerFactory?.CreateLogger<DistributionRegistryClient>());

    /// <summary>
    /// An <see cref="HttpClient"/> for registries: no client-wide timeout (the registry client keeps its own deadlines), bounded
    /// headers and redirects (blob storage redirects are followed; .NET drops the Authorization header on redirect), no decompression.
    /// </summary>
    public static HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("imagetrust/1.0");
        return client;
    }
}
