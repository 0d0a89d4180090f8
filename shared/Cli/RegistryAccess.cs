using ImageTrust.Registry;

namespace ImageTrust.Cli;

/// <summary>How the CLI may reach registries, and for how long.</summary>
/// <param name="PlainHttpRegistries">
/// <c>host[:port]</c> registries reached over plain HTTP, from <c>--allow-http-registry</c> and <c>IMAGETRUST_HTTP_REGISTRIES</c>.
/// </param>
internal sealed record RegistryAccess(IReadOnlyList<string> PlainHttpRegistries)
{
    /// <summary>The deadline of one verification (<c>--timeout</c>, default 3 minutes as cosign's).</summary>
    public TimeSpan Timeout { get; init; } = VerificationLimits.DefaultTimeout;
}
