using ImageTrust.TestSupport.Fixtures;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Shared.Tests.Acceptance;

/// <summary>A real docker-registry loaded with the independent-signer fixtures (tests/Fixtures), shared by a test class.</summary>
public sealed class FixtureRegistry : IAsyncLifetime
{
    private readonly DockerRegistryProcess _registry = new();

    internal FixtureSet Fixtures { get; } = FixtureSet.LoadDefault();

    internal string HostPort => _registry.HostPort;

    public async Task InitializeAsync()
    {
        await _registry.InitializeAsync();
        await Fixtures.PushToAsync(_registry.BaseUri);
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();
}
