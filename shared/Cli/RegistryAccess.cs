namespace ImageTrust.Cli;

/// <summary>How the CLI may reach registries.</summary>
/// <param name="PlainHttpRegistries">
/// <c>host[:port]</c> registries reached over plain HTTP, from <c>--allow-http-registry</c> and <c>IMAGETRUST_HTTP_REGISTRIES</c>.
/// </param>
internal sealed record RegistryAccess(IReadOnlyList<string> PlainHttpRegistries);
