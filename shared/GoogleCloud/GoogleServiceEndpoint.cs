namespace ImageTrust.GoogleCloud;

/// <summary>
/// Where one Google API is reached: its base URL (ending in <c>/</c>) and, for an emulator, the fixed
/// authorization it expects instead of an access token.
/// </summary>
/// <param name="BaseUri">The absolute base URL, e.g. <c>https://firestore.googleapis.com/</c>; API paths start with <c>v1/</c>.</param>
/// <param name="IsEmulator">True when the endpoint is a local emulator: no Google credentials are used.</param>
/// <param name="EmulatorBearerToken">The bearer token an emulator expects (<c>owner</c> for Firestore), or null for none.</param>
internal sealed record GoogleServiceEndpoint(Uri BaseUri, bool IsEmulator, string? EmulatorBearerToken)
{
    /// <summary>A production endpoint that needs an access token.</summary>
    public static GoogleServiceEndpoint Production(string baseUrl) => new(new Uri(baseUrl, UriKind.Absolute), false, null);
}
