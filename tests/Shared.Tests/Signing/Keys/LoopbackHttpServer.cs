using System.Net;
using ImageTrust.TestSupport;

namespace ImageTrust.Shared.Tests.Signing.Keys;

/// <summary>A real HTTP server on a free loopback port that answers every request with a handler; records requests.</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, (int Status, string Body)> _handler;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerRequest, (int Status, string Body)> handler)
    {
        _handler = handler;
        var port = FreePort.Next();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    public List<(string Path, string? Authorization)> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop then Close unbinds the port and then binds it again to unbind it, which fails when another
        // test has taken the port in between ("Address already in use").
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
        }

        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            lock (Requests)
            {
                Requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"]));
            }

            var (status, body) = _handler(context.Request);
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
