namespace ImageTrust.TestSupport.Registry;

/// <summary>How a <see cref="DockerRegistryProcess"/> authenticates clients: anonymous by default.</summary>
public sealed record DockerRegistryOptions
{
    /// <summary>Anonymous access.</summary>
    public static DockerRegistryOptions Anonymous { get; } = new();

    /// <summary>With a user, <c>auth.htpasswd</c> Basic auth for that single user (bcrypt via <c>htpasswd -Bbn</c>).</summary>
    public string? BasicUser { get; init; }

    /// <summary>The Basic auth password.</summary>
    public string? BasicPassword { get; init; }

    /// <summary>With a token service, distribution's <c>auth.token</c> (Bearer challenge flow) trusting that service's signing certificate.</summary>
    public RegistryTokenService? TokenService { get; init; }
}
