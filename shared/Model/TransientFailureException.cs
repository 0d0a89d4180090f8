namespace ImageTrust.Model;

/// <summary>
/// A failure that may pass: a registry or Google API outage, throttling, exhausted retries.
/// Hosts answer 5xx so the event is redelivered; the CLI exits 3. Never recorded as a verdict.
/// </summary>
internal sealed class TransientFailureException : Exception
{
    /// <summary>Creates the exception naming what failed.</summary>
    public TransientFailureException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
