namespace ImageTrust.Registry;

/// <summary>
/// How the registry client retries: 429, 500, 502, 503, 504 and connection failures are retried with exponential backoff and
/// jitter (or after <c>Retry-After</c> when the registry sends one), at most <see cref="MaxAttempts"/> times in all, and never past
/// the operation's overall deadline. 401 (after one re-authentication), 403 and 404 are never retried.
/// </summary>
internal sealed record RegistryRetryOptions
{
    /// <summary>Attempts per request, the first included. Default 6.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The first backoff delay; doubled per attempt. Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff delay (before jitter). Default 10 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The timeout of one attempt, from sending to the end of the body. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the values.</summary>
    /// <exception cref="Model.ConfigurationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxAttempts is < 1 or > 100)
        {
            throw new Model.ConfigurationException($"registry retry MaxAttempts must be 1–100, not {MaxAttempts}");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            throw new Model.ConfigurationException("registry retry delays must satisfy 0 <= BaseDelay <= MaxDelay");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new Model.ConfigurationException("registry AttemptTimeout must be positive");
        }
    }
}
