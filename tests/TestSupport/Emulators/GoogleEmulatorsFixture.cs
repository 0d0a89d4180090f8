using System.Diagnostics;
using ImageTrust.GoogleCloud;
using Xunit;

namespace ImageTrust.TestSupport.Emulators;

/// <summary>
/// The real Pub/Sub and Firestore emulators, started once per test run in parallel on free loopback ports.
/// Use it as an xunit collection fixture (public only because xunit requires it); tests isolate themselves with <see cref="NewProjectId"/>.
/// </summary>
public sealed class GoogleEmulatorsFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private EmulatorProcess? _pubSub;
    private EmulatorProcess? _firestore;
    private int _projectCounter;

    /// <summary>The Pub/Sub emulator (after initialization).</summary>
    internal EmulatorProcess PubSub => _pubSub ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>The Firestore emulator (after initialization).</summary>
    internal EmulatorProcess Firestore => _firestore ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>How long starting both took.</summary>
    internal TimeSpan StartupTime { get; private set; }

    /// <summary>A project id no other test uses, e.g. <c>it-1234-7</c>.</summary>
    internal string NewProjectId() => $"it-{Environment.ProcessId}-{Interlocked.Increment(ref _projectCounter)}";

    /// <summary>Settings pointing at both emulators for <paramref name="projectId"/> (a fresh one when null).</summary>
    internal GoogleCloudSettings CreateSettings(string? projectId = null, string? containerAnalysisEndpoint = null)
        => GoogleCloudSettings.Create(projectId ?? NewProjectId(), PubSub.HostAndPort, Firestore.HostAndPort, containerAnalysisEndpoint);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        var pubSubPort = FreePort.Next();
        var firestorePort = FreePort.Next();
        var pubSub = EmulatorProcess.StartAsync("pubsub-emulator", GoogleCloudSdk.PubSubEmulator, ["--host=127.0.0.1", $"--port={pubSubPort}"], pubSubPort, StartTimeout);
        var firestore = EmulatorProcess.StartAsync("firestore-emulator", GoogleCloudSdk.FirestoreEmulator, ["start", "--host=127.0.0.1", $"--port={firestorePort}"], firestorePort, StartTimeout);
        try
        {
            await Task.WhenAll(pubSub, firestore).ConfigureAwait(false);
        }
        catch
        {
            foreach (var started in new[] { pubSub, firestore }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        _pubSub = pubSub.Result;
        _firestore = firestore.Result;
        StartupTime = watch.Elapsed;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_pubSub is not null)
        {
            await _pubSub.DisposeAsync().ConfigureAwait(false);
        }

        if (_firestore is not null)
        {
            await _firestore.DisposeAsync().ConfigureAwait(false);
        }
    }
}
