using ImageTrust.TestSupport.Fixtures;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>A real docker-registry on loopback holding the independent-signer fixtures (skopeo, openssl, sigstore-js).</summary>
public sealed class FixtureRegistry : IAsyncLifetime
{
    private readonly DockerRegistryProcess _registry = new();

    internal FixtureSet Fixtures { get; } = FixtureSet.LoadDefault();

    public string HostPort => _registry.HostPort;

    public async Task InitializeAsync()
    {
        await _registry.InitializeAsync();
        await Fixtures.PushToAsync(_registry.BaseUri);
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();
}
