using System.Net;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>
/// Answers requests in memory from a script (any scheme and host, so HTTPS registries and redirects between hosts can be
/// played without certificates) and records each request as sent: URL, Authorization and Accept.
/// </summary>
internal sealed class ScriptedHttpHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _answer;
    private readonly List<(Uri Uri, string? Authorization, string Accept)> _requests = [];

    public ScriptedHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        _answer = answer;
    }

    public IReadOnlyList<(Uri Uri, string? Authorization, string Accept)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static HttpResponseMessage Redirect(string location, HttpStatusCode status = HttpStatusCode.Found)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return response;
    }

    public static HttpResponseMessage Content(byte[] body, string mediaType = "application/octet-stream")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return response;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add((request.RequestUri!, request.Headers.Authorization?.ToString(), request.Headers.Accept.ToString()));
        }

        var response = _answer(request);
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}
