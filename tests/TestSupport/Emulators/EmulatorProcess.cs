using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ImageTrust.TestSupport.Emulators;

/// <summary>
/// A Google emulator started in its own process group (through <c>setsid</c>), so that stopping it also stops the JVM
/// its launcher script forks. Ready when <c>GET /</c> answers 200.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private static readonly ConcurrentDictionary<int, EmulatorProcess> Running = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _stopped;

    static EmulatorProcess()
    {
        // A test host that exits without disposing fixtures must not leave JVMs behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var emulator in Running.Values)
            {
                emulator.KillGroup(SigKill);
            }
        };
    }

    private EmulatorProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    /// <summary>A short name for messages.</summary>
    public string Name { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, the form <c>*_EMULATOR_HOST</c> variables take.</summary>
    public string HostAndPort => $"127.0.0.1:{Port}";

    /// <summary>The process group id (equal to the pid, because <c>setsid</c> makes it a group leader).</summary>
    public int ProcessGroupId => _process.Id;

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> in a new session and waits until it answers.</summary>
    /// <exception cref="InvalidOperationException">It did not become ready within <paramref name="timeout"/>; its last output is in the message.</exception>
    public static async Task<EmulatorProcess> StartAsync(string name, string executable, IReadOnlyList<string> arguments, int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{name}: {executable} not found; install google-cloud-cli with its emulators or set {GoogleCloudSdk.RootVariable}");
        }

        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name}: could not start setsid");
        var emulator = new EmulatorProcess(name, process, port);
        Running[process.Id] = emulator;
        process.OutputDataReceived += (_, e) => emulator.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await emulator.WaitUntilReadyAsync(timeout, cancellationToken).ConfigureAwait(false);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the whole process group: SIGTERM, then SIGKILL after 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        KillGroup(SigTerm);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Still running after SIGTERM: force it below.
        }

        // The launcher may exit before its JVM child; SIGKILL the group regardless (ESRCH when already gone is fine).
        KillGroup(SigKill);
        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    /// <summary>The last lines the emulator printed.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(30));

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri($"http://{HostAndPort}/"), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The JVM accepted the connection but has not answered yet.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"{Name} was not ready on {HostAndPort} within {timeout.TotalSeconds:F0} s:\n{RecentOutput}");
    }

    private void KillGroup(int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _ = Kill(-_process.Id, signal);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
