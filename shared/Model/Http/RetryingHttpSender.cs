using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Model.Http;

/// <summary>
/// The one retry loop for HTTP calls (registries and Google APIs). Each attempt runs under its own timeout and the operation's
/// deadline. An attempt that throws <see cref="RetryableAttemptException"/> (a named status), fails to connect, breaks while
/// reading, or times out is tried again, for idempotent calls only, with exponential backoff and jitter or after the server's
/// <c>Retry-After</c>, while attempts remain and the wait ends before the deadline. Every other outcome goes back to the caller
/// as it is. Waits and timeouts run on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RetryingHttpSender
{
    private readonly HttpClient _httpClient;
    private readonly RetryPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the sender.</summary>
    /// <exception cref="ConfigurationException">The policy is invalid.</exception>
    public RetryingHttpSender(HttpClient httpClient, RetryPolicy policy, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        policy.Validate();
        _httpClient = httpClient;
        _policy = policy;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The retry rules.</summary>
    public RetryPolicy Policy => _policy;

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Starts the deadline of one operation under this sender's <see cref="RetryPolicy.TotalTimeout"/>; the caller disposes it.</summary>
    public OperationDeadline StartOperation(string subject, CancellationToken cancellationToken)
        => new(subject, _policy.TotalTimeout, _timeProvider, cancellationToken);

    /// <summary>
    /// Runs <paramref name="attempt"/> (which sends over the client it is given and reads the answer) until it returns, fails
    /// for good, or the attempts or the deadline run out.
    /// </summary>
    /// <param name="deadline">The operation's deadline; its <see cref="OperationDeadline.LastFailure"/> is kept up to date.</param>
    /// <param name="what">The request, for messages, e.g. <c>GET manifest repo:1</c>.</param>
    /// <param name="attempt">One attempt; it must dispose what it sends and receives.</param>
    /// <param name="idempotent">False for a call that must not be repeated (one attempt; a retryable answer is thrown as the caller's own error).</param>
    /// <exception cref="TransientFailureException">The attempts ran out, the next wait would pass the deadline, the deadline passed, or (not idempotent) the one attempt failed transiently.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<T> SendAsync<T>(OperationDeadline deadline, string what, Func<HttpClient, CancellationToken, Task<T>> attempt, bool idempotent = true)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        ArgumentNullException.ThrowIfNull(attempt);
        for (var number = 1; ; number++)
        {
            Exception failure;
            TimeSpan? retryAfter = null;
            using (var attemptTimeout = new CancellationTokenSource(_policy.AttemptTimeout, _timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, attemptTimeout.Token))
            {
                try
                {
                    return await attempt(_httpClient, linked.Token).ConfigureAwait(false);
                }
                catch (RetryableAttemptException exception)
                {
                    failure = exception;
                    retryAfter = exception.RetryAfter;
                    if (!idempotent && exception.InnerException is { } own)
                    {
                        ExceptionDispatchInfo.Throw(own);
                    }
                }
                catch (HttpRequestException exception)
                {
                    failure = new RetryableAttemptException($"connection failed for {what}: {exception.Message}", null, exception);
                }
                catch (IOException exception)
                {
                    failure = new RetryableAttemptException($"connection broke while reading {what}: {exception.Message}", null, exception);
                }
                catch (OperationCanceledException exception) when (attemptTimeout.IsCancellationRequested && !deadline.Token.IsCancellationRequested)
                {
                    failure = new RetryableAttemptException($"no answer for {what} within {_policy.AttemptTimeout.TotalSeconds:0.###} s", null, exception);
                }
                catch (OperationCanceledException exception) when (deadline.Expired)
                {
                    throw deadline.Exceeded(exception);
                }
            }

            deadline.LastFailure = failure.Message;
            if (deadline.Expired)
            {
                throw deadline.Exceeded(failure.InnerException ?? failure);
            }

            // A failure caused by the caller's cancellation is reported as that, not retried.
            deadline.Token.ThrowIfCancellationRequested();
            if (!idempotent)
            {
                throw new TransientFailureException($"{deadline.Subject}: {failure.Message} (not retried: the call is not idempotent)", failure.InnerException ?? failure);
            }

            if (number >= _policy.MaxAttempts)
            {
                throw Exhausted(deadline, number, "retries exhausted", failure);
            }

            var delay = retryAfter ?? _policy.BackoffAfter(number);
            if (_timeProvider.GetUtcNow() + delay >= deadline.At)
            {
                throw Exhausted(deadline, number, retryAfter is null ? "the overall deadline would pass" : $"Retry-After {retryAfter.Value.TotalSeconds:0.###} s passes the overall deadline", failure);
            }

            _logger.LogWarning(
                "{Subject}: {Failure}; attempt {Attempt} of {MaxAttempts}, retrying in {DelayMs} ms",
                deadline.Subject,
                failure.Message,
                number,
                _policy.MaxAttempts,
                (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, _timeProvider, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException exception) when (deadline.Expired)
            {
                throw deadline.Exceeded(exception);
            }
        }
    }

    private static TransientFailureException Exhausted(OperationDeadline deadline, int attempts, string why, Exception failure)
        => new($"{deadline.Subject} did not answer successfully after {attempts} attempt(s), {why}; last: {failure.Message}", failure.InnerException ?? failure);
}
