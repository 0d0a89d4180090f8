using System.Net;

namespace ImageTrust.Model.Http;

/// <summary>
/// How a call is retried: at most <see cref="MaxAttempts"/> attempts, each bounded by <see cref="AttemptTimeout"/>, all within
/// <see cref="TotalTimeout"/>, with exponential backoff and jitter between them (or the server's <c>Retry-After</c>). Only the
/// named statuses of <see cref="IsRetryable"/> and broken connections are retried, and only for idempotent calls.
/// Immutable; checked by <see cref="Validate"/> when a sender is built with it.
/// </summary>
internal sealed record RetryPolicy
{
    /// <summary>The defaults for one call: 6 attempts, 200 ms doubling to 10 s, 30 s per attempt, 60 s in all.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>
    /// For optimistic-concurrency conflicts (a transaction or conditional write that lost a race): 10 attempts, 50 ms doubling
    /// to 2 s, 60 s in all.
    /// </summary>
    public static RetryPolicy Contention { get; } = new() { MaxAttempts = 10, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(2) };

    /// <summary>Attempts per call, the first included. Default 6.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The first backoff; doubled per attempt. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff (before jitter). Default 10 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The timeout of one attempt, from sending to the end of the body. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The overall deadline of a call: attempts, waits and (for the registry) authentication. Default 60 s.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether an HTTP status is worth another attempt: 429 and the transient 5xx (500, 502, 503, 504). Every other status is
    /// an answer, returned to the caller as it is.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode status)
        => status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ConfigurationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxAttempts is < 1 or > 100)
        {
            throw new ConfigurationException($"retry MaxAttempts must be 1–100, not {MaxAttempts}");
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ConfigurationException("retry backoffs must satisfy 0 <= InitialBackoff <= MaxBackoff");
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException("retry AttemptTimeout and TotalTimeout must be positive");
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): the capped exponential backoff, jittered into [½b, b].</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var nominal = InitialBackoff * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = nominal > MaxBackoff ? MaxBackoff : nominal;

        // Jitter spreads clients that failed together apart, while keeping at least half the backoff.
        return capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
    }
}
