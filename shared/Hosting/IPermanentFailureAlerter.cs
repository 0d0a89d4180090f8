namespace ImageTrust.Hosting;

/// <summary>
/// Raises an alert for a delivery the host acknowledged although the function could not process it (permanently bad input),
/// so it never passes silently. The default logs a warning; a function registers a Pub/Sub publishing one to notify the security team.
/// </summary>
internal interface IPermanentFailureAlerter
{
    /// <summary>Raises the alert.</summary>
    /// <exception cref="Model.TransientFailureException">The alert could not be delivered now; the host answers 503 so the
    /// delivery, and with it the alert, is retried.</exception>
    Task AlertAsync(PermanentFailureAlert alert, CancellationToken cancellationToken = default);
}
