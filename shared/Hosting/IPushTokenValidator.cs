namespace ImageTrust.Hosting;

/// <summary>Checks the OIDC token a Pub/Sub push subscription sends as <c>Authorization: Bearer</c>.</summary>
internal interface IPushTokenValidator
{
    /// <summary>True when the token is valid for this deployment.</summary>
    /// <exception cref="Model.TransientFailureException">The signing keys could not be fetched; the host answers 503.</exception>
    Task<bool> IsValidAsync(string token, CancellationToken cancellationToken = default);
}
