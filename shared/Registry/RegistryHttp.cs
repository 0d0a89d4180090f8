namespace ImageTrust.Registry;

/// <summary>
/// The HTTP settings registries are reached with (the composition root registers a named client with them): no client-wide
/// timeout (the registry client keeps its own deadlines), bounded headers, no decompression, and no automatic redirects: .NET
/// would follow a redirect to any scheme its handler accepts (an <c>ftp:</c> or <c>gopher:</c> target was fetched as plain
/// HTTP), so the registry client follows them itself under its scheme and host rules (blob storage redirects still work).
/// </summary>
internal static class RegistryHttp
{
    /// <summary>The user agent registries see.</summary>
    public const string UserAgent = "imagetrust/1.0";

    /// <summary>A client with these settings over its own handler (tests and tools that build a registry client directly).</summary>
    public static HttpClient CreateClient()
    {
        var client = new HttpClient(CreateHandler());
        Configure(client);
        return client;
    }

    /// <summary>Sets the client-level settings: no timeout, the user agent.</summary>
    public static void Configure(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    /// <summary>The handler: 10 s to connect, connections recycled every 5 minutes, no redirects, no decompression, 64 KiB of headers.</summary>
    public static SocketsHttpHandler CreateHandler()
        => new()
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
        };
}
