using System.Net;
using ImageTrust.Model;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Registry;

/// <summary>
/// Sends one idempotent GET with the named retry rules: 429, 500, 502, 503, 504, connection failures, broken bodies and attempt
/// timeouts are retried with exponential backoff and full jitter, or after <c>Retry-After</c>; every other status is returned to
/// the caller untouched. Delays run on the injected <see cref="TimeProvider"/> and never past the operation's deadline.
/// </summary>
internal sealed class RegistryRequestSender
{
    private readonly HttpClient _httpClient;
    private readonly RegistryRetryOptions _retry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the sender.</summary>
    public RegistryRequestSender(HttpClient httpClient, RegistryRetryOptions retry, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _retry = retry;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether a status is retried: 429 and the transient 5xx.</summary>
    public static bool IsRetryable(HttpStatusCode status)
        => status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Sends the request made by <paramref name="createRequest"/> (called once per attempt) and reads the answer.</summary>
    /// <exception cref="TransientFailureException">Every attempt failed transiently, or the next wait would pass the deadline.</exception>
    /// <exception cref="RegistryProtocolException"><c>TOO_LARGE</c> from the bounded body read (never retried).</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled, or the deadline passed mid-request.</exception>
    public async Task<RegistryResponse> SendAsync(RegistryOperation operation, Func<HttpRequestMessage> createRequest, long maxBodyBytes, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            using var request = createRequest();
            using (var attemptTimeout = new CancellationTokenSource(_retry.AttemptTimeout, _timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(operation.Token, attemptTimeout.Token))
            {
                try
                {
                    using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                    if (!IsRetryable(response.StatusCode))
                    {
                        return await RegistryResponse.ReadAsync(response, maxBodyBytes, what, linked.Token).ConfigureAwait(false);
                    }

                    failure = $"HTTP {(int)response.StatusCode} for {what}";
                    retryAfter = ReadRetryAfter(response);
                }
                catch (HttpRequestException exception) when (!operation.Token.IsCancellationRequested)
                {
                    failure = $"connection failed for {what}: {exception.Message}";
                }
                catch (IOException exception) when (!operation.Token.IsCancellationRequested)
                {
                    failure = $"connection broke while reading {what}: {exception.Message}";
                }
                catch (OperationCanceledException) when (attemptTimeout.IsCancellationRequested && !operation.Token.IsCancellationRequested)
                {
                    failure = $"no answer for {what} within {_retry.AttemptTimeout.TotalSeconds:0.###} s";
                }
            }

            operation.LastFailure = failure;
            if (attempt >= _retry.MaxAttempts)
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
                _retry.MaxAttempts,
                (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _timeProvider, operation.Token).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _retry.BaseDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = exponential > _retry.MaxDelay ? _retry.MaxDelay : exponential;

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
