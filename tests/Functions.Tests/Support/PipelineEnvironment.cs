using System.Globalization;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.Fixtures;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>
/// Everything the functions run against, started once for the collection: the real Pub/Sub and Firestore emulators, a real
/// docker-registry holding the independent-signer fixtures, the Container Analysis stand-in, and a policy file for them.
/// Tests isolate themselves with a fresh project id (Firestore and Pub/Sub state is per project).
/// </summary>
public sealed class PipelineEnvironment : IAsyncLifetime
{
    private readonly GoogleEmulatorsFixture _emulators = new();
    private DockerRegistryProcess? _registry;
    private ContainerAnalysisStandIn? _analysis;
    private string? _directory;

    internal GoogleEmulatorsFixture Emulators => _emulators;

    internal DockerRegistryProcess Registry => _registry ?? throw new InvalidOperationException("not started");

    internal ContainerAnalysisStandIn Analysis => _analysis ?? throw new InvalidOperationException("not started");

    internal FixtureSet Fixtures { get; } = FixtureSet.LoadDefault();

    /// <summary>A loopback port nothing listens on: a registry that is down.</summary>
    internal int ClosedPort { get; } = FreePort.Next();

    internal string PolicyPath => Path.Combine(_directory!, "policy.yaml");

    /// <summary>The same policy with a different version (an added comment).</summary>
    internal string ChangedPolicyPath => Path.Combine(_directory!, "policy-changed.yaml");

    internal string RegistryHost => Registry.HostPort;

    /// <summary>
    /// Copies a fixture image (and, when asked, its signature tags) into a fresh repository under <paramref name="prefix"/>,
    /// so tests that accumulate state (occurrences, signatures) do not see each other's.
    /// </summary>
    /// <returns>The image key in the new repository and the fixture repository it came from.</returns>
    internal async Task<(ImageTrust.Pipeline.Records.ImageKey Key, FixtureRepository Source)> CopyImageAsync(string scenario, string prefix, bool withSignatures)
    {
        var key = NewImageKey(scenario, prefix);
        return (key, await PushImageAsync(scenario, key, withSignatures));
    }

    /// <summary>The key a fixture image will have in a fresh repository under <paramref name="prefix"/>, nothing pushed yet.</summary>
    internal ImageTrust.Pipeline.Records.ImageKey NewImageKey(string scenario, string prefix)
        => ImageTrust.Pipeline.Records.ImageKey.Parse($"{RegistryHost}/{$"{prefix}/app-{Guid.NewGuid():N}"[..(prefix.Length + 13)]}@{Fixtures.Scenario(scenario).Digest}");

    /// <summary>Pushes a fixture image (and, when asked, its signature tags) into the repository of <paramref name="key"/>.</summary>
    /// <returns>The fixture repository it came from.</returns>
    internal async Task<FixtureRepository> PushImageAsync(string scenario, ImageTrust.Pipeline.Records.ImageKey key, bool withSignatures)
    {
        var fixture = Fixtures.Scenario(scenario);
        var source = Fixtures.Repositories.Single(r => r.Name == fixture.Repository);
        var repository = key.Repository[(RegistryHost.Length + 1)..];
        using var writer = new RegistryContentWriter(Registry.BaseUri);
        foreach (var blob in source.Blobs)
        {
            await writer.PushBlobAsync(repository, Fixtures.ReadContent(blob));
        }

        var image = source.Manifests.Single(m => m.Digest == fixture.Digest);
        await writer.PushManifestAsync(repository, "v1", Fixtures.ReadContent(image.Digest), image.MediaType);
        if (withSignatures)
        {
            foreach (var (tag, digest) in source.Tags.Where(t => t.Key.StartsWith("sha256-", StringComparison.Ordinal)))
            {
                var manifest = source.Manifests.Single(m => m.Digest == digest);
                await writer.PushManifestAsync(repository, tag, Fixtures.ReadContent(digest), manifest.MediaType);
            }
        }

        return source;
    }

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("imagetrust-functions-").FullName;
        var emulators = _emulators.InitializeAsync();
        _registry = await DockerRegistryProcess.StartAsync();
        _analysis = await ContainerAnalysisStandIn.StartAsync();
        await Fixtures.PushToAsync(Registry.BaseUri);
        var policy = Policy(Registry.HostPort, ClosedPort, Fixtures);
        await File.WriteAllTextAsync(PolicyPath, policy);
        await File.WriteAllTextAsync(ChangedPolicyPath, policy + "# changed\n");
        await emulators;
    }

    public async Task DisposeAsync()
    {
        await _emulators.DisposeAsync();
        if (_analysis is not null)
        {
            await _analysis.DisposeAsync();
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string Policy(string registry, int closedPort, FixtureSet fixtures)
    {
        var keyA = fixtures.PathOf("keys/skopeo/TEST-ONLY-ecdsa-p256-key-a.pub");
        var rsa = fixtures.PathOf("keys/openssl/TEST-ONLY-rsa-2048.pub.pem");
        var closed = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{closedPort}");
        return $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: skopeo-enforce
                scope: ["{registry}/skopeo/**", "{registry}/late/**", "{closed}/**"]
                authorities:
                  - name: skopeo-key-a
                    key: {"{"}path: "{keyA}"{"}"}
                tlog: insecure-ignore
                mode: enforce
                signatureGracePeriod: 10m
                vulnerabilities:
                  blockAtOrAbove: HIGH
                  onlyWithFix: true
              - name: openssl-warn
                scope: ["{registry}/openssl/**"]
                authorities:
                  - name: rsa
                    key: {"{"}path: "{rsa}"{"}"}
                tlog: insecure-ignore
                mode: warn

            """;
    }
}
