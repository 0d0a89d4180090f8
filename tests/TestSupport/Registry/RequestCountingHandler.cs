namespace ImageTrust.TestSupport.Registry;

/// <summary>An HTTP handler that records every request that leaves a client (<c>METHOD URL</c>), to count round trips.</summary>
public sealed class RequestCountingHandler : DelegatingHandler
{
    private readonly List<string> _requests = [];

    /// <summary>Wraps a fresh <see cref="SocketsHttpHandler"/>.</summary>
    public RequestCountingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Requests so far, in order.</summary>
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

    /// <summary>How many requests so far.</summary>
    public int Count
    {
        get
        {
            lock (_requests)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>Forgets the requests so far.</summary>
    public void Reset()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add($"{request.Method} {request.RequestUri}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
