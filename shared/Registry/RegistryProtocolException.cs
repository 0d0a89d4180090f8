namespace ImageTrust.Registry;

/// <summary>The registry served something we refuse: an oversized body, a digest mismatch, malformed JSON, or refused credentials.</summary>
internal sealed class RegistryProtocolException : Exception
{
    /// <summary>Creates the exception with a stable reason code such as <c>DIGEST_MISMATCH</c> or <c>TOO_LARGE</c>.</summary>
    public RegistryProtocolException(string reasonCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>A stable, machine-readable reason.</summary>
    public string ReasonCode { get; }
}
