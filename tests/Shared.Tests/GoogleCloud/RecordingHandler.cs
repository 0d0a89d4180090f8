using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace ImageTrust.Shared.Tests.GoogleCloud;

/// <summary>Counts and records requests on their way to a real server, and can answer some itself with injected errors.</summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<HttpStatusCode> _injected = new();
    private int _count;

    public RecordingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    public int Count => Volatile.Read(ref _count);

    public ConcurrentQueue<(string Method, string Path, string? Body)> Requests { get; } = new();

    /// <summary>Answers the next requests with these statuses (and a Google JSON error body) instead of forwarding them.</summary>
    public void Inject(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            _injected.Enqueue(status);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, body));
        if (_injected.TryDequeue(out var status))
        {
            var name = status switch
            {
                HttpStatusCode.ServiceUnavailable => "UNAVAILABLE",
                HttpStatusCode.TooManyRequests => "RESOURCE_EXHAUSTED",
                HttpStatusCode.BadRequest => "INVALID_ARGUMENT",
                HttpStatusCode.Forbidden => "PERMISSION_DENIED",
                _ => "INTERNAL",
            };
            return new HttpResponseMessage(status)
            {
                RequestMessage = request,
                Content = new StringContent($"{{\"error\":{{\"code\":{(int)status},\"message\":\"injected\",\"status\":\"{name}\"}}}}", Encoding.UTF8, "application/json"),
            };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
