using System.Text;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.TestSupport.Emulators;

/// <summary>
/// A proxy in front of the Pub/Sub emulator that can refuse publishes as an outage does: while <see cref="Refusing"/>, every
/// <c>topics.publish</c> is answered 503 <c>UNAVAILABLE</c> and nothing reaches the emulator; every other call (and every
/// publish otherwise) passes through. Use <see cref="HostPort"/> as the code under test's <c>PUBSUB_EMULATOR_HOST</c>.
/// </summary>
public sealed class PubSubOutage : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private long _refused;
    private volatile bool _refusing;

    private PubSubOutage(LoopbackHttpServer server) => _server = server;

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string HostPort => _server.HostPort;

    /// <summary>Whether publishes are refused now.</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>Publish requests refused so far.</summary>
    public long RefusedPublishes => Interlocked.Read(ref _refused);

    /// <summary>Starts a proxy to the emulator at <paramref name="emulatorHostPort"/>, passing everything through.</summary>
    public static async Task<PubSubOutage> StartAsync(string emulatorHostPort)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{emulatorHostPort}"), Timeout = TimeSpan.FromSeconds(60) };
        PubSubOutage? outage = null;
        var server = await LoopbackHttpServer.StartAsync(async context => await outage!.HandleAsync(http, context));
        outage = new PubSubOutage(server);
        return outage;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpClient http, HttpContext context)
    {
        if (_refusing && (context.Request.Path.Value ?? string.Empty).EndsWith(":publish", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("""{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}"""));
            return;
        }

        await EmulatorForwarding.ForwardAsync(http, context);
    }
}
