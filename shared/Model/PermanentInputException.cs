namespace ImageTrust.Model;

/// <summary>
/// Input that will never succeed however often it is retried: a malformed event, reference or document.
/// Hosts acknowledge it (2xx), log the reason and raise an alert.
/// </summary>
internal sealed class PermanentInputException : Exception
{
    /// <summary>Creates the exception with a stable reason code and a human message.</summary>
    public PermanentInputException(string reasonCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>A stable, machine-readable reason such as <c>MALFORMED_EVENT</c>.</summary>
    public string ReasonCode { get; }
}
