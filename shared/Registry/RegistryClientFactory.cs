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
    /// headers, no decompression, and no automatic redirects: .NET would follow a redirect to any scheme its handler accepts
    /// (an <c>ftp:</c> or <c>gopher:</c> target was fetched as plain HTTP), so the registry client follows them itself under
    /// its scheme and host rules (blob storage redirects still work).
    /// </summary>
    public static HttpClient CreateHttpClient()
    {
        var client = new HttpClient(CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("imagetrust/1.0");
        return client;
    }

    /// <summary>The handler under <see cref="CreateHttpClient"/>.</summary>
    internal static SocketsHttpHandler CreateHandler()
        => new()
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
        };
}
