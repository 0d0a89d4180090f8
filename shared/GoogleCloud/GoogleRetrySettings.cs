namespace ImageTrust.GoogleCloud;

/// <summary>Exponential backoff with jitter, bounded by an attempt count and an overall deadline.</summary>
internal sealed record GoogleRetrySettings
{
    /// <summary>Creates validated settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public GoogleRetrySettings(TimeSpan initialBackoff, TimeSpan maxBackoff, double multiplier, int maxAttempts, TimeSpan totalTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBackoff, initialBackoff);
        ArgumentOutOfRangeException.ThrowIfLessThan(multiplier, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(totalTimeout, TimeSpan.Zero);
        InitialBackoff = initialBackoff;
        MaxBackoff = maxBackoff;
        Multiplier = multiplier;
        MaxAttempts = maxAttempts;
        TotalTimeout = totalTimeout;
    }

    /// <summary>Defaults for single API calls: 100 ms doubling to 5 s, 8 attempts, 60 s overall.</summary>
    public static GoogleRetrySettings Default { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 2.0, 8, TimeSpan.FromSeconds(60));

    /// <summary>Defaults for Firestore transactions retried on contention: 50 ms doubling to 2 s, 10 attempts, 60 s overall.</summary>
    public static GoogleRetrySettings Transactions { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), 2.0, 10, TimeSpan.FromSeconds(60));

    /// <summary>The first backoff.</summary>
    public TimeSpan InitialBackoff { get; }

    /// <summary>The largest backoff.</summary>
    public TimeSpan MaxBackoff { get; }

    /// <summary>The backoff growth factor.</summary>
    public double Multiplier { get; }

    /// <summary>The most attempts, including the first.</summary>
    public int MaxAttempts { get; }

    /// <summary>The overall deadline across attempts and backoffs.</summary>
    public TimeSpan TotalTimeout { get; }

    /// <summary>The jittered delay before attempt <paramref name="attempt"/> + 1 (attempt is 1-based), in [½·b, b].</summary>
    public TimeSpan BackoffAfter(int attempt)
    {
        var nominal = InitialBackoff.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, attempt - 1));
        var capped = Math.Min(nominal, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}
