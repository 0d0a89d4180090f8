namespace ImageTrust.Pipeline.Services;

/// <summary>The one <see cref="HttpClient"/> shared by the Google API adapters (a distinct type so DI does not confuse it with the registry's).</summary>
/// <param name="Client">The client.</param>
internal sealed record GoogleApiHttpClient(HttpClient Client);
