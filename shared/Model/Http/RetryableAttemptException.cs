using System.Globalization;

namespace ImageTrust.Model.Http;

/// <summary>
/// Thrown by one attempt of <see cref="RetryingHttpSender"/> to say the answer was transient (a named status) and worth another
/// attempt, after <see cref="RetryAfter"/> when the server said so. It never leaves the sender.
/// </summary>
internal sealed class RetryableAttemptException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">What went wrong, e.g. <c>HTTP 503 for GET …</c>.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, or null.</param>
    /// <param name="innerException">The caller's own error for this answer (thrown as it is when the call may not be retried), or null.</param>
    public RetryableAttemptException(string failure, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(failure, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the server asked to wait, or null.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The exception for a response with a retryable status: <c>HTTP 503 for {what}</c>, with its <c>Retry-After</c>.</summary>
    public static RetryableAttemptException ForStatus(HttpResponseMessage response, string what, TimeProvider timeProvider, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var failure = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} for {what}");
        return new RetryableAttemptException(failure, ReadRetryAfter(response, timeProvider), innerException);
    }

    /// <summary>The response's <c>Retry-After</c> (seconds or an HTTP date) as a wait from now, never negative; null when absent.</summary>
    public static TimeSpan? ReadRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is DateTimeOffset date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
