using System.Net;
using ImageTrust.Model;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Registry;

/// <summary>
/// Sends one idempotent GET with the named retry rules: 429, 500, 502, 503, 504, connection failures, broken bodies and attempt
/// timeouts are retried with exponential backoff and full jitter, or after <c>Retry-After</c>; every other status is returned to
/// the caller untouched. Delays run on the injected <see cref="TimeProvider"/> and never past the operation's deadline.
/// Redirects are followed here, not by the <see cref="HttpClient"/>: at most <see cref="MaxRedirects"/> hops, each to an
/// <c>https</c> URL, or to an <c>http</c> URL on a plain-HTTP registry from a plain-HTTP one, without the Authorization header.
/// </summary>
internal sealed class RegistryRequestSender
{
    /// <summary>The most redirects followed for one request.</summary>
    public const int MaxRedirects = 5;

    private readonly HttpClient _httpClient;
    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the sender; <paramref name="httpClient"/> must not follow redirects itself (a followed one is refused).</summary>
    public RegistryRequestSender(HttpClient httpClient, RegistryClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private RegistryRetryOptions Retry => _options.Retry;

    /// <summary>Whether a status is retried: 429 and the transient 5xx.</summary>
    public static bool IsRetryable(HttpStatusCode status)
        => status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Sends the request made by <paramref name="createRequest"/> (called once per attempt) and reads the answer.</summary>
    /// <exception cref="TransientFailureException">Every attempt failed transiently, or the next wait would pass the deadline.</exception>
    /// <exception cref="RegistryProtocolException">
    /// <c>TOO_LARGE</c> from the bounded body read, <c>BAD_REDIRECT</c> for a redirect that may not be followed (never retried).
    /// </exception>
    /// <exception cref="OperationCanceledException">The caller cancelled, or the deadline passed mid-request.</exception>
    public async Task<RegistryResponse> SendAsync(RegistryOperation operation, Func<HttpRequestMessage> createRequest, long maxBodyBytes, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            using (var attemptTimeout = new CancellationTokenSource(Retry.AttemptTimeout, _timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(operation.Token, attemptTimeout.Token))
            {
                try
                {
                    using var response = await SendFollowingRedirectsAsync(createRequest, what, linked.Token).ConfigureAwait(false);
                    if (!IsRetryable(response.StatusCode))
                    {
                        return await RegistryResponse.ReadAsync(response, maxBodyBytes, what, linked.Token).ConfigureAwait(false);
                    }

                    failure = $"HTTP {(int)response.StatusCode} for {what}";
                    retryAfter = ReadRetryAfter(response);
                }
                catch (HttpRequestException exception)
                {
                    failure = $"connection failed for {what}: {exception.Message}";
                }
                catch (IOException exception)
                {
                    failure = $"connection broke while reading {what}: {exception.Message}";
                }
                catch (OperationCanceledException) when (attemptTimeout.IsCancellationRequested && !operation.Token.IsCancellationRequested)
                {
                    failure = $"no answer for {what} within {Retry.AttemptTimeout.TotalSeconds:0.###} s";
                }
            }

            operation.LastFailure = failure;

            // A failure caused by the caller's cancellation or the deadline is reported as that, not retried.
            operation.Token.ThrowIfCancellationRequested();
            if (attempt >= Retry.MaxAttempts)
            {
                throw Exhausted(operation, attempt, "retries exhausted");
            }

            var delay = retryAfter ?? Backoff(attempt);
            if (_timeProvider.GetUtcNow() + delay >= operation.DeadlineAt)
            {
                throw Exhausted(operation, attempt, retryAfter is null ? "the overall deadline would pass" : $"Retry-After {retryAfter.Value.TotalSeconds:0.###} s passes the overall deadline");
            }

            _logger.LogWarning(
                "Registry {Registry}: {Failure}; attempt {Attempt} of {MaxAttempts}, retrying in {DelayMs} ms",
                operation.Registry,
                failure,
                attempt,
                Retry.MaxAttempts,
                (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _timeProvider, operation.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="status"/> is a redirect this sender follows (RFC 9110 §15.4: 301, 302, 303, 307, 308).</summary>
    public static bool IsRedirect(HttpStatusCode status)
        => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    // One attempt: the request, then each redirect as a fresh GET with the same Accept headers and no credentials.
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Func<HttpRequestMessage> createRequest, string what, CancellationToken cancellationToken)
    {
        var request = createRequest();
        for (var hops = 0; ; hops++)
        {
            var sent = request.RequestUri!;
            HttpResponseMessage response;
            try
            {
                response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
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

    private TimeSpan Backoff(int attempt)
    {
        var exponential = Retry.BaseDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = exponential > Retry.MaxDelay ? Retry.MaxDelay : exponential;

        // Full jitter between half and all of the capped delay spreads synchronized clients apart.
        return capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
    }

    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is DateTimeOffset date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static TransientFailureException Exhausted(RegistryOperation operation, int attempts, string why)
        => new($"registry {operation.Registry} did not answer successfully after {attempts} attempt(s), {why}; last: {operation.LastFailure}");
}
