using Xunit;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// An xunit fixture: a real registry with distribution's token auth, and the <see cref="RegistryTokenService"/> it trusts, which
/// issues tokens only for <see cref="User"/>/<see cref="Password"/>. Clients must allow both <c>host:port</c>s as plain HTTP.
/// </summary>
public sealed class TokenAuthDockerRegistry : IAsyncLifetime
{
    /// <summary>The one user the token service accepts.</summary>
    public const string User = "token-user";

    /// <summary>That user's password.</summary>
    public const string Password = "token-pass";

    private RegistryTokenService? _tokens;
    private DockerRegistryProcess? _registry;

    /// <summary>The running registry.</summary>
    public DockerRegistryProcess Registry => _registry ?? throw new InvalidOperationException("not started");

    /// <summary>The token service.</summary>
    public RegistryTokenService Tokens => _tokens ?? throw new InvalidOperationException("not started");

    /// <summary>A writer that pushes with tokens minted directly by the service (not counted as token requests).</summary>
    public RegistryContentWriter CreateWriter() => RegistryContentWriter.WithTokens(Registry.BaseUri, Tokens);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _tokens = await RegistryTokenService.StartAsync(User, Password);
        _registry = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { TokenService = _tokens });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        if (_tokens is not null)
        {
            await _tokens.DisposeAsync();
        }
    }
}
