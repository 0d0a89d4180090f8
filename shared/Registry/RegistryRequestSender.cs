using System.Net;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Registry;

/// <summary>
/// Sends one registry GET through the shared <see cref="RetryingHttpSender"/> (named statuses, <c>Retry-After</c>, attempt
/// timeouts and the operation's deadline, on the injected clock) and reads the answer; every status other than the retryable ones
/// is returned to the caller untouched. Redirects are followed here, not by the <see cref="HttpClient"/>: at most
/// <see cref="MaxRedirects"/> hops, each to an <c>https</c> URL, or to an <c>http</c> URL on a plain-HTTP registry from a
/// plain-HTTP one, without the Authorization header.
/// </summary>
internal sealed class RegistryRequestSender
{
    /// <summary>The most redirects followed for one request.</summary>
    public const int MaxRedirects = 5;

    private readonly RetryingHttpSender _sender;
    private readonly RegistryClientOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the sender; <paramref name="httpClient"/> must not follow redirects itself (a followed one is refused).</summary>
    public RegistryRequestSender(HttpClient httpClient, RegistryClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _sender = new RetryingHttpSender(httpClient, options.Retry, timeProvider, logger);
        _options = options;
        _logger = logger;
    }

    /// <summary>Sends the request made by <paramref name="createRequest"/> (called once per attempt and redirect) and reads the answer.</summary>
    /// <exception cref="TransientFailureException">Every attempt failed transiently, the next wait would pass the deadline, or the deadline passed.</exception>
    /// <exception cref="RegistryProtocolException">
    /// <c>TOO_LARGE</c> from the bounded body read, <c>BAD_REDIRECT</c> for a redirect that may not be followed (never retried).
    /// </exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public Task<RegistryResponse> SendAsync(RegistryOperation operation, Func<HttpRequestMessage> createRequest, long maxBodyBytes, string what)
        => _sender.SendAsync(
            operation.Deadline,
            what,
            async (httpClient, cancellationToken) =>
            {
                using var response = await SendFollowingRedirectsAsync(httpClient, createRequest, what, cancellationToken).ConfigureAwait(false);
                if (RetryPolicy.IsRetryable(response.StatusCode))
                {
                    throw RetryableAttemptException.ForStatus(response, what, _sender.TimeProvider);
                }

                return await RegistryResponse.ReadAsync(response, maxBodyBytes, what, cancellationToken).ConfigureAwait(false);
            });

    /// <summary>Whether <paramref name="status"/> is a redirect this sender follows (RFC 9110 §15.4: 301, 302, 303, 307, 308).</summary>
    public static bool IsRedirect(HttpStatusCode status)
        => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    // One attempt: the request, then each redirect as a fresh GET with the same Accept headers and no credentials.
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpClient httpClient, Func<HttpRequestMessage> createRequest, string what, CancellationToken cancellationToken)
    {
        var request = createRequest();
        for (var hops = 0; ; hops++)
        {
            var sent = request.RequestUri!;
            HttpResponseMessage response;
            try
            {
                response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                request.Dispose();
            }

            if (response.RequestMessage?.RequestUri is { } answered && answered != sent)
            {
                response.Dispose();
                throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: the HTTP client followed a redirect from {Origin(sent)} to {Origin(answered)} on its own; registry clients must not redirect automatically");
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (!Uri.TryCreate(sent, location, out var target))
            {
                throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: the registry redirected to a Location that is not a URL");
            }

            CheckRedirect(sent, target, what);
            if (hops + 1 > MaxRedirects)
            {
                throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: more than {MaxRedirects} redirects (last to {Origin(target)})");
            }

            _logger.LogDebug("Registry redirect for {What}: {From} -> {To}", what, Origin(sent), Origin(target));
            request = createRequest();
            request.RequestUri = target;

            // Credentials are for the registry that asked for them, never for whoever it redirects to.
            request.Headers.Authorization = null;
        }
    }

    private void CheckRedirect(Uri from, Uri target, string what)
    {
        if (target.UserInfo.Length > 0)
        {
            throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: the registry redirected to a URL carrying credentials ({Origin(target)})");
        }

        if (target.Scheme == Uri.UriSchemeHttps)
        {
            return;
        }

        if (target.Scheme != Uri.UriSchemeHttp)
        {
            throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: the registry redirected to a {target.Scheme}: URL ({Origin(target)}); only https (or http to a plain-HTTP registry) is followed");
        }

        if (from.Scheme != Uri.UriSchemeHttp)
        {
            throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: the registry redirected from https to plain http ({Origin(target)}); a downgrade is never followed");
        }

        if (!_options.IsPlainHttp(target.Authority))
        {
            throw new RegistryProtocolException("BAD_REDIRECT", $"{what}: the registry redirected to plain-HTTP host {target.Authority}, which is not a plain-HTTP registry; allow it as one to follow");
        }
    }

    private static string Origin(Uri uri) => uri.IsAbsoluteUri ? $"{uri.Scheme}://{uri.Authority}" : uri.ToString();
}
