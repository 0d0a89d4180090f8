using System.Text;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// Basic credentials from a docker <c>config.json</c>: <c>auths.&lt;host&gt;.auth</c> (base64 <c>user:password</c>) or
/// <c>auths.&lt;host&gt;.username</c>/<c>password</c>. Keys may be bare hosts or URLs (<c>https://host/v1/</c>).
/// Credential helpers (<c>credsStore</c>, <c>credHelpers</c>) are not run. The file is read once, on first use.
/// </summary>
internal sealed class DockerConfigCredentialSource : RegistryCredentialSource
{
    private const long MaxConfigBytes = 1024 * 1024;

    private readonly string? _path;
    private readonly Lazy<IReadOnlyDictionary<string, RegistryCredential>> _credentials;

    /// <summary>Creates the source over the file at <paramref name="path"/>; a missing file or null path means no credentials.</summary>
    public DockerConfigCredentialSource(string? path)
    {
        _path = path;
        _credentials = new Lazy<IReadOnlyDictionary<string, RegistryCredential>>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The file docker uses: <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>.</summary>
    public static DockerConfigCredentialSource FromEnvironment()
    {
        var directory = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            directory = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".docker");
        }

        return new DockerConfigCredentialSource(directory is null ? null : Path.Combine(directory, "config.json"));
    }

    /// <inheritdoc />
    public override ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken = default)
    {
        var credentials = _credentials.Value;
        var key = registry.ToLowerInvariant();
        if (credentials.TryGetValue(key, out var credential))
        {
            return ValueTask.FromResult<RegistryCredential?>(credential);
        }

        // Docker Hub is stored under its legacy index URL.
        if (key is "docker.io" or "registry-1.docker.io" && credentials.TryGetValue("index.docker.io", out credential))
        {
            return ValueTask.FromResult<RegistryCredential?>(credential);
        }

        return ValueTask.FromResult<RegistryCredential?>(null);
    }

    private IReadOnlyDictionary<string, RegistryCredential> Load()
    {
        var result = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
        if (_path is null || !File.Exists(_path))
        {
            return result;
        }

        try
        {
            var info = new FileInfo(_path);
            if (info.Length > MaxConfigBytes)
            {
                throw new ConfigurationException($"docker config {_path} is larger than {MaxConfigBytes} bytes");
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(_path));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("auths", out var auths)
                || auths.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var entry in auths.EnumerateObject())
            {
                var credential = ReadEntry(entry.Value);
                if (credential is not null)
                {
                    result.TryAdd(NormalizeKey(entry.Name), credential);
                }
            }

            return result;
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new ConfigurationException($"docker config {_path} cannot be read: {exception.Message}", exception);
        }
    }

    private static RegistryCredential? ReadEntry(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == decoded.Length - 1)
            {
                throw new FormatException("an 'auth' value must be base64 of user:password");
            }

            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
        }

        if (entry.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
            && entry.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String
            && user.GetString() is { Length: > 0 } userText && password.GetString() is { Length: > 0 } passwordText)
        {
            return new RegistryCredential(userText, passwordText);
        }

        return null;
    }

    private static string NormalizeKey(string key)
    {
        var text = key.Trim().ToLowerInvariant();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? text[..slash] : text;
    }
}
