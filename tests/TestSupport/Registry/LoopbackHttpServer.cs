using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// A Kestrel server on a free 127.0.0.1 port that answers every request with a test's handler and counts requests.
/// Used for protocol stand-ins the real registry cannot play (a lying registry, scripted failures) and for the token service.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _requests;

    private LoopbackHttpServer(WebApplication app, List<string> requests, string hostPort)
    {
        _app = app;
        _requests = requests;
        HostPort = hostPort;
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string HostPort { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseUri => new($"http://{HostPort}");

    /// <summary>How many requests arrived.</summary>
    public int RequestCount
    {
        get
        {
            lock (_requests)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Each request so far as <c>METHOD path?query</c>, in arrival order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server that hands every request to <paramref name="handler"/>.</summary>
    public static async Task<LoopbackHttpServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = new List<string>();
        app.Run(async context =>
        {
            lock (requests)
            {
                requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            }

            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackHttpServer(app, requests, new Uri(address).Authority);
    }

    /// <summary>Forgets the requests counted so far.</summary>
    public void ResetCount()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
