using System.Diagnostics;
using System.Text;
using Xunit;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// A real CNCF distribution registry (Debian's <c>docker-registry</c> 2.8) on a free loopback port, with its storage in a temp
/// directory. Usable directly as an xunit class or collection fixture (anonymous), or built with <see cref="DockerRegistryOptions"/>
/// by other fixtures. Disposal kills the process tree and deletes the storage.
/// </summary>
public sealed class DockerRegistryProcess : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly DockerRegistryOptions _options;
    private readonly StringBuilder _output = new();
    private readonly string _directory;
    private Process? _process;
    private string? _hostPort;

    /// <summary>An anonymous registry (the fixture constructor xunit calls).</summary>
    public DockerRegistryProcess()
        : this(DockerRegistryOptions.Anonymous)
    {
    }

    /// <summary>A registry with the given authentication; call <see cref="InitializeAsync"/> to start it.</summary>
    internal DockerRegistryProcess(DockerRegistryOptions options)
    {
        _options = options;
        _directory = Directory.CreateTempSubdirectory("imagetrust-registry-").FullName;
    }

    /// <summary><c>127.0.0.1:port</c>, the registry part of image references.</summary>
    public string HostPort => _hostPort ?? throw new InvalidOperationException("the registry is not started");

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseUri => new($"http://{HostPort}");

    /// <summary>Starts a registry and waits until <c>/v2/</c> answers.</summary>
    public static async Task<DockerRegistryProcess> StartAsync(DockerRegistryOptions? options = null)
    {
        var registry = new DockerRegistryProcess(options ?? DockerRegistryOptions.Anonymous);
        try
        {
            await registry.InitializeAsync();
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var executable = FindExecutable("docker-registry")
            ?? throw new InvalidOperationException("docker-registry is not installed; run scripts/bootstrap (apt-get install -y docker-registry)");
        Exception? last = null;

        // A free port can be taken between probing and binding; try a few.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort.Next();
            var config = await WriteConfigAsync(port);
            try
            {
                await StartProcessAsync(executable, config, port);
                return;
            }
            catch (InvalidOperationException exception) when (_process?.HasExited == true)
            {
                last = exception;
                KillProcess();
            }
        }

        throw new InvalidOperationException("docker-registry did not start", last);
    }

    /// <summary>What the registry printed so far (for diagnostics).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        KillProcess();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A storage file still held open only leaves a temp directory behind.
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private async Task<string> WriteConfigAsync(int port)
    {
        var config = new StringBuilder();
        config.AppendLine("version: 0.1");
        config.AppendLine("log:");
        config.AppendLine("  level: warn");
        config.AppendLine("  accesslog:");
        config.AppendLine("    disabled: true");
        config.AppendLine("storage:");
        config.AppendLine("  filesystem:");
        config.AppendLine($"    rootdirectory: {Path.Combine(_directory, "data")}");
        config.AppendLine("  delete:");
        config.AppendLine("    enabled: true");
        config.AppendLine("http:");
        config.AppendLine($"  addr: 127.0.0.1:{port}");
        config.AppendLine($"  secret: {Guid.NewGuid():N}");
        if (_options.BasicUser is not null)
        {
            var htpasswd = Path.Combine(_directory, "htpasswd");
            await File.WriteAllTextAsync(htpasswd, await RunHtpasswdAsync(_options.BasicUser, _options.BasicPassword ?? string.Empty));
            config.AppendLine("auth:");
            config.AppendLine("  htpasswd:");
            config.AppendLine("    realm: imagetrust-test");
            config.AppendLine($"    path: {htpasswd}");
        }
        else if (_options.TokenService is { } tokens)
        {
            var bundle = Path.Combine(_directory, "token-root.pem");
            await File.WriteAllTextAsync(bundle, tokens.CertificatePem);
            config.AppendLine("auth:");
            config.AppendLine("  token:");
            config.AppendLine($"    realm: {tokens.Realm}");
            config.AppendLine($"    service: {tokens.Service}");
            config.AppendLine($"    issuer: {tokens.Issuer}");
            config.AppendLine($"    rootcertbundle: {bundle}");
        }

        var path = Path.Combine(_directory, "config.yml");
        await File.WriteAllTextAsync(path, config.ToString());
        return path;
    }

    private async Task StartProcessAsync(string executable, string config, int port)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start docker-registry");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillProcess();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/"));
                if (response.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Unauthorized)
                {
                    _hostPort = $"127.0.0.1:{port}";
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"docker-registry did not answer /v2/ within {StartTimeout.TotalSeconds} s: {Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 256 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private void KillProcess()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        _process = null;
    }

    private static async Task<string> RunHtpasswdAsync(string user, string password)
    {
        var executable = FindExecutable("htpasswd")
            ?? throw new InvalidOperationException("htpasswd is not installed; run scripts/bootstrap (apt-get install -y apache2-utils)");
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-Bbn", user, password })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start htpasswd");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"htpasswd failed: {await process.StandardError.ReadToEndAsync()}");
        }

        return output.Trim() + "\n";
    }

    private static string? FindExecutable(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
