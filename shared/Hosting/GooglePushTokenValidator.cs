using Google.Apis.Auth;
using ImageTrust.Model;

namespace ImageTrust.Hosting;

/// <summary>
/// Verifies a Google-signed OIDC token (signature against Google's published certificates, issuer, expiry) for the configured
/// audience and, when configured, that its verified email is the push subscription's service account.
/// </summary>
internal sealed class GooglePushTokenValidator : IPushTokenValidator
{
    private readonly string _audience;
    private readonly string? _serviceAccount;

    /// <summary>Creates the validator.</summary>
    /// <param name="audience">The audience the push subscription was configured with (usually the endpoint URL).</param>
    /// <param name="serviceAccount">The service account that must have signed in; null accepts any Google-signed identity.</param>
    public GooglePushTokenValidator(string audience, string? serviceAccount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        _audience = audience;
        _serviceAccount = serviceAccount;
    }

    /// <inheritdoc/>
    public async Task<bool> IsValidAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return false;
        }

        GoogleJsonWebSignature.Payload payload;
        try
        {
            payload = await GoogleJsonWebSignature.ValidateAsync(
                token,
                new GoogleJsonWebSignature.ValidationSettings { Audience = [_audience] }).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidJwtException)
        {
            return false;
        }
        catch (HttpRequestException ex)
        {
            throw new TransientFailureException("Google's OIDC signing certificates could not be fetched.", ex);
        }

        return _serviceAccount is null
            || (payload.EmailVerified && string.Equals(payload.Email, _serviceAccount, StringComparison.OrdinalIgnoreCase));
    }
}
