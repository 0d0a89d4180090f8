using ImageTrust.Registry;

namespace ImageTrust.Cli;

/// <summary>How the CLI may reach registries, and for how long.</summary>
/// <param name="PlainHttpRegistries">
/// Canonical <c>host[:port]</c> registries reached over plain HTTP: those in <c>IMAGETRUST_HTTP_REGISTRIES</c>, and the image's
/// registry when <c>--allow-http-registry</c> or <c>--allow-insecure-registry</c> is given and it answers only plain HTTP.
/// </param>
internal sealed record RegistryAccess(IReadOnlyList<string> PlainHttpRegistries)
{
    /// <summary>The deadline of one verification (<c>--timeout</c>, default 3 minutes as cosign's).</summary>
    public TimeSpan Timeout { get; init; } = VerificationLimits.DefaultTimeout;

    /// <summary>The registry whose TLS certificate is not checked (<c>--allow-insecure-registry</c>), or null.</summary>
    public string? InsecureTlsRegistry { get; init; }
}
