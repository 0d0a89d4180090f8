using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// A docker credential helper (<c>docker-credential-&lt;name&gt; get</c>, the server URL on stdin, a JSON
/// <c>{"Username","Secret"}</c> on stdout), as <c>credsStore</c> and <c>credHelpers</c> in a docker <c>config.json</c> name
/// them. The run is bounded in time and output. "Not found" answers and identity tokens (<c>&lt;token&gt;</c>, which need an
/// OAuth exchange this client does not do) mean no credential.
/// </summary>
internal sealed class DockerCredentialHelper
{
    private const int MaxOutputBytes = 64 * 1024;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<string> _searchPath;

    /// <summary>Creates the helper <c>docker-credential-<paramref name="name"/></c>, looked up in <paramref name="searchPath"/>.</summary>
    /// <exception cref="ConfigurationException">The name is not a plain helper name.</exception>
    public DockerCredentialHelper(string name, IReadOnlyList<string> searchPath)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ConfigurationException($"docker credential helper name '{name}' is not a plain name");
        }

        Name = name;
        _searchPath = searchPath;
    }

    /// <summary>The helper's name (without the <c>docker-credential-</c> prefix).</summary>
    public string Name { get; }

    /// <summary>Asks the helper for <paramref name="serverUrl"/>'s credential; null when it has none.</summary>
    /// <exception cref="ConfigurationException">The helper is not installed or answers something that is not its protocol.</exception>
    /// <exception cref="TransientFailureException">The helper failed or did not answer in time.</exception>
    public async ValueTask<RegistryCredential?> GetAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var executable = Locate() ?? throw new ConfigurationException($"docker credential helper docker-credential-{Name} (named in the docker config) is not installed");
        var start = new ProcessStartInfo(executable, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new TransientFailureException($"docker-credential-{Name} could not be started");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RunTimeout);
        try
        {
            await process.StandardInput.WriteAsync(serverUrl.AsMemory(), deadline.Token);
            process.StandardInput.Close();
            var output = ReadBoundedAsync(process.StandardOutput.BaseStream, deadline.Token);
            var error = ReadBoundedAsync(process.StandardError.BaseStream, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return Interpret(process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TransientFailureException($"docker-credential-{Name} did not answer within {RunTimeout.TotalSeconds:0} s");
        }
        catch (IOException e)
        {
            throw new TransientFailureException($"docker-credential-{Name} could not be run: {e.Message}", e);
        }
    }

    private string? Locate()
    {
        foreach (var directory in _searchPath)
        {
            if (directory.Length == 0)
            {
                continue;
            }

            var candidate = Path.Combine(directory, "docker-credential-" + Name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private RegistryCredential? Interpret(int exitCode, string output, string error)
    {
        if (exitCode != 0)
        {
            var message = (output.Length > 0 ? output : error).Trim();
            if (message.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var firstLine = message.Split('\n')[0];
            throw new TransientFailureException($"docker-credential-{Name} failed (exit {exitCode}): {firstLine}");
        }

        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            var username = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Username", out var user) && user.ValueKind == JsonValueKind.String ? user.GetString() : null;
            var secret = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Secret", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(secret) || username == "<token>")
            {
                return null;
            }

            return new RegistryCredential(username, secret);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new ConfigurationException($"docker-credential-{Name} answered something that is not a credential: {e.Message}", e);
        }
    }

    private async Task<string> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxOutputBytes + 1];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxOutputBytes)
            {
                throw new ConfigurationException($"docker-credential-{Name} wrote more than {MaxOutputBytes} bytes");
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
