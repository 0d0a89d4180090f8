namespace ImageTrust.Registry;

/// <summary>
/// One image verification reached a limit of its <see cref="VerificationBudget"/>. It is a verdict (not verified, with
/// <see cref="ReasonCode"/>), never a transient failure: asking again would cost as much.
/// </summary>
internal sealed class VerificationBudgetExceededException : Exception
{
    /// <summary>Reason code when more signature layers are listed than may be examined.</summary>
    public const string TooManySignatures = "TOO_MANY_SIGNATURES";

    /// <summary>Reason code when the registry calls or bytes received pass their limit.</summary>
    public const string BudgetExceeded = "VERIFICATION_BUDGET_EXCEEDED";

    /// <summary>Creates the exception.</summary>
    /// <param name="reasonCode"><see cref="TooManySignatures"/> or <see cref="BudgetExceeded"/>.</param>
    /// <param name="limit">The limit's name, e.g. <c>maxRegistryRequests</c>.</param>
    /// <param name="value">The limit's value.</param>
    /// <param name="message">What passed the limit, naming it and its value.</param>
    public VerificationBudgetExceededException(string reasonCode, string limit, long value, string message)
        : base(message)
    {
        ReasonCode = reasonCode;
        Limit = limit;
        Value = value;
    }

    /// <summary>A stable, machine-readable reason.</summary>
    public string ReasonCode { get; }

    /// <summary>The name of the limit reached, e.g. <c>maxRegistryRequests</c>.</summary>
    public string Limit { get; }

    /// <summary>The limit's value.</summary>
    public long Value { get; }
}
