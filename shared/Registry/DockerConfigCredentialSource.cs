using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// Credentials from a docker <c>config.json</c>, as docker resolves them: a host's <c>credHelpers</c> entry, else the
/// <c>credsStore</c> helper, else <c>auths.&lt;host&gt;.auth</c> (base64 <c>user:password</c>) or
/// <c>auths.&lt;host&gt;.username</c>/<c>password</c>. Keys may be bare hosts or URLs (<c>https://host/v1/</c>). The file is
/// read once, on first use; a helper's answer is kept for five minutes (helpers such as ECR's hand out short-lived tokens).
/// </summary>
internal sealed class DockerConfigCredentialSource : RegistryCredentialSource
{
    private const long MaxConfigBytes = 1024 * 1024;
    private const string DockerHubServerUrl = "https://index.docker.io/v1/";
    private static readonly TimeSpan HelperAnswerLifetime = TimeSpan.FromMinutes(5);

    private readonly string? _path;
    private readonly IReadOnlyList<string> _helperSearchPath;
    private readonly Lazy<DockerConfig> _config;
    private readonly ConcurrentDictionary<string, (RegistryCredential? Credential, long ExpiresAt)> _helperAnswers = new(StringComparer.Ordinal);

    /// <summary>Creates the source over the file at <paramref name="path"/>; a missing file or null path means no credentials.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="helperSearchPath">Where credential helpers are looked for; null for the directories on <c>PATH</c>.</param>
    public DockerConfigCredentialSource(string? path, IReadOnlyList<string>? helperSearchPath = null)
    {
        _path = path;
        _helperSearchPath = helperSearchPath ?? (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator);
        _config = new Lazy<DockerConfig>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
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
    public override async ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken = default)
    {
        var config = _config.Value;
        var key = registry.ToLowerInvariant();

        // Docker Hub is stored under its legacy index URL.
        var dockerHub = key is "docker.io" or "registry-1.docker.io" or "index.docker.io";
        var storedKey = dockerHub ? "index.docker.io" : key;
        var helper = config.Helpers.TryGetValue(storedKey, out var named) ? named : config.Store;
        if (helper is not null)
        {
            return await AskHelperAsync(helper, dockerHub ? DockerHubServerUrl : key, cancellationToken);
        }

        return config.Auths.TryGetValue(key, out var credential) || config.Auths.TryGetValue(storedKey, out credential) ? credential : null;
    }

    private async ValueTask<RegistryCredential?> AskHelperAsync(DockerCredentialHelper helper, string serverUrl, CancellationToken cancellationToken)
    {
        var cacheKey = helper.Name + " " + serverUrl;
        if (_helperAnswers.TryGetValue(cacheKey, out var answer) && Environment.TickCount64 < answer.ExpiresAt)
        {
            return answer.Credential;
        }

        var credential = await helper.GetAsync(serverUrl, cancellationToken);
        _helperAnswers[cacheKey] = (credential, Environment.TickCount64 + (long)HelperAnswerLifetime.TotalMilliseconds);
        return credential;
    }

    private DockerConfig Load()
    {
        var auths = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
        var helpers = new Dictionary<string, DockerCredentialHelper>(StringComparer.Ordinal);
        if (_path is null || !File.Exists(_path))
        {
            return new DockerConfig(auths, helpers, null);
        }

        try
        {
            using var document = JsonDocument.Parse(OperatorFile.Read(_path, MaxConfigBytes, $"docker config {_path}"));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new DockerConfig(auths, helpers, null);
            }

            if (root.TryGetProperty("auths", out var authsElement) && authsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in authsElement.EnumerateObject())
                {
                    var credential = ReadEntry(entry.Value);
                    if (credential is not null)
                    {
                        auths.TryAdd(NormalizeKey(entry.Name), credential);
                    }
                }
            }

            if (root.TryGetProperty("credHelpers", out var helpersElement) && helpersElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in helpersElement.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String && entry.Value.GetString() is { Length: > 0 } name)
                    {
                        helpers.TryAdd(NormalizeKey(entry.Name), new DockerCredentialHelper(name, _helperSearchPath));
                    }
                }
            }

            var store = root.TryGetProperty("credsStore", out var storeElement) && storeElement.ValueKind == JsonValueKind.String && storeElement.GetString() is { Length: > 0 } storeName
                ? new DockerCredentialHelper(storeName, _helperSearchPath)
                : null;
            return new DockerConfig(auths, helpers, store);
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
        text = slash >= 0 ? text[..slash] : text;

        // Registries are looked up by canonical name (REGISTRY:05000 is registry:5000, host:443 is host); Docker Hub keeps
        // its legacy index key.
        if (!RegistryHost.TryParse(text, out var host))
        {
            return text;
        }

        return host.Name == "docker.io" ? "index.docker.io" : host.Name;
    }

    private sealed record DockerConfig(
        IReadOnlyDictionary<string, RegistryCredential> Auths,
        IReadOnlyDictionary<string, DockerCredentialHelper> Helpers,
        DockerCredentialHelper? Store);
}
