using System.Buffers.Text;
using System.Text.Json;
using Google.Apis.Auth;
using Google.Apis.Util;
using ImageTrust.Model;

namespace ImageTrust.Hosting;

/// <summary>
/// Verifies a Google-signed OIDC token (signature against Google's published certificates, issuer, expiry) for the configured
/// audience, and no other, and, when configured, that its verified email is the push subscription's service account.
/// </summary>
internal sealed class GooglePushTokenValidator : IPushTokenValidator
{
    private readonly string _audience;
    private readonly string? _serviceAccount;
    private readonly IClock _clock;
    private readonly Google.Apis.Http.IHttpClientFactory? _keySetClients;

    /// <summary>Creates the validator.</summary>
    /// <param name="audience">The audience the push subscription was configured with (usually the endpoint URL).</param>
    /// <param name="serviceAccount">The service account that must have signed in; null accepts any Google-signed identity.</param>
    /// <exception cref="ArgumentException"><paramref name="audience"/> is empty.</exception>
    public GooglePushTokenValidator(string audience, string? serviceAccount)
        : this(audience, serviceAccount, TimeProvider.System, null)
    {
    }

    /// <summary>
    /// Creates a validator that reads the time from <paramref name="timeProvider"/> and, when <paramref name="keySetClients"/> is
    /// given, fetches Google's key set through it on every validation: the library caches key sets by URL for the whole process,
    /// so keys that did not come from Google's own endpoint must never be served from, or left in, that cache as Google's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="audience"/> is empty.</exception>
    internal GooglePushTokenValidator(string audience, string? serviceAccount, TimeProvider timeProvider, Google.Apis.Http.IHttpClientFactory? keySetClients)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _audience = audience;
        _serviceAccount = serviceAccount;
        _clock = new TimeProviderClock(timeProvider);
        _keySetClients = keySetClients;
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
                new GoogleJsonWebSignature.ValidationSettings
                {
                    Audience = [_audience],
                    Clock = _clock,
                    HttpClientFactory = _keySetClients,
                    ForceGoogleCertRefresh = _keySetClients is not null,
                }).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidJwtException)
        {
            return false;
        }
        catch (HttpRequestException ex)
        {
            throw new TransientFailureException("Google's OIDC signing certificates could not be fetched.", ex);
        }

        return HasOnlyOurAudience(token)
            && (_serviceAccount is null || (payload.EmailVerified && string.Equals(payload.Email, _serviceAccount, StringComparison.OrdinalIgnoreCase)));
    }

    // Google's library checks the audience only when 'aud' is a string: a list of audiences, even of others only, passes
    // unchecked. OpenID Connect Core 3.1.3.7 rejects a token that does not list the client's audience or lists an untrusted
    // one, so the (now signature-checked) payload's own 'aud' is read here: our audience, alone or in a list of only ours.
    private bool HasOnlyOurAudience(string token)
    {
        var parts = token.Split('.');
        try
        {
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            if (claims.RootElement.ValueKind != JsonValueKind.Object || !claims.RootElement.TryGetProperty("aud", out var audience))
            {
                return false;
            }

            return audience.ValueKind switch
            {
                JsonValueKind.String => audience.ValueEquals(_audience),
                JsonValueKind.Array => audience.GetArrayLength() > 0 && audience.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String && a.ValueEquals(_audience)),
                _ => false,
            };
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return false;
        }
    }

    private sealed class TimeProviderClock(TimeProvider timeProvider) : IClock
    {
        public DateTime Now => timeProvider.GetLocalNow().DateTime;

        public DateTime UtcNow => timeProvider.GetUtcNow().UtcDateTime;
    }
}
