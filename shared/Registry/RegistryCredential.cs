using System.Net.Http.Headers;
using System.Text;

namespace ImageTrust.Registry;

/// <summary>
/// A user name and secret for one registry. <see cref="SendAsBearer"/> marks an OAuth access token (Google) that the registry
/// accepts directly as <c>Authorization: Bearer</c>, which saves the token exchange. <see cref="ToString"/> never shows the secret.
/// </summary>
internal sealed record RegistryCredential
{
    /// <summary>Creates a credential.</summary>
    /// <exception cref="ArgumentException">The user name is empty or contains a colon, or the secret is empty.</exception>
    public RegistryCredential(string username, string secret, bool sendAsBearer = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (username.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("a registry user name cannot contain ':'", nameof(username));
        }

        Username = username;
        Secret = secret;
        SendAsBearer = sendAsBearer;
    }

    /// <summary>The user name (<c>oauth2accesstoken</c> for a Google access token).</summary>
    public string Username { get; }

    /// <summary>The password or access token.</summary>
    public string Secret { get; }

    /// <summary>Whether <see cref="Secret"/> may be sent as a Bearer token without a challenge.</summary>
    public bool SendAsBearer { get; }

    /// <summary>The <c>Authorization: Basic</c> value.</summary>
    public AuthenticationHeaderValue ToBasic()
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Secret)));

    /// <inheritdoc />
    public override string ToString() => $"RegistryCredential {{ Username = {Username}, Secret = *** }}";
}
