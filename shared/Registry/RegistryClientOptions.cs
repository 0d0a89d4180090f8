using System.Collections.Frozen;
using System.Globalization;
using ImageTrust.Model;
using ImageTrust.Model.Http;

namespace ImageTrust.Registry;

/// <summary>Settings of <see cref="DistributionRegistryClient"/>. Immutable; validated by the client's constructor.</summary>
internal sealed record RegistryClientOptions
{
    /// <summary>The environment variable naming the plain-HTTP registries, comma-separated <c>host:port</c>.</summary>
    public const string HttpRegistriesVariable = "IMAGETRUST_HTTP_REGISTRIES";

    /// <summary>The largest manifest or index accepted: 4 MiB, as the distribution spec recommends.</summary>
    public const long DefaultMaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Registries (<c>host</c> or <c>host:port</c>, lower-case) reached over plain HTTP; every other registry is HTTPS.
    /// A token realm on plain HTTP is only used when its host is listed too.
    /// </summary>
    public IReadOnlySet<string> HttpRegistries { get; init; } = FrozenSet<string>.Empty;

    /// <summary>The largest manifest, index, tag page or token response read. Default 4 MiB.</summary>
    public long MaxManifestBytes { get; init; } = DefaultMaxManifestBytes;

    /// <summary>
    /// The retry rules; <see cref="RetryPolicy.TotalTimeout"/> is one deadline for each client call, retries and authentication
    /// included. 401 (after one re-authentication), 403 and 404 are answers, never retried.
    /// </summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>The <c>n</c> asked for per tags page. Default 1000.</summary>
    public int TagsPageSize { get; init; } = 1000;

    /// <summary>The most tags <see cref="RegistryClient.ListTagsAsync"/> returns before failing with <c>TOO_LARGE</c>. Default 100,000.</summary>
    public int MaxTags { get; init; } = 100_000;

    /// <summary>
    /// Parses a comma-separated list of <c>host[:port]</c> (from <c>--allow-http-registry</c> or <see cref="HttpRegistriesVariable"/>).
    /// Empty entries and surrounding blanks are ignored; hosts are lower-cased.
    /// </summary>
    /// <exception cref="FormatException">An entry is not a host with an optional port 1–65535.</exception>
    public static IReadOnlySet<string> ParseHttpRegistries(string? commaSeparated)
    {
        var registries = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(commaSeparated))
        {
            return registries.ToFrozenSet();
        }

        foreach (var raw in commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            registries.Add(NormalizeHostPort(raw));
        }

        return registries.ToFrozenSet();
    }

    /// <summary>
    /// Options with the plain-HTTP registries named on the command line (each entry may itself be comma-separated)
    /// plus those in <see cref="HttpRegistriesVariable"/>, read through <paramref name="read"/> (the process environment when null).
    /// </summary>
    /// <exception cref="ConfigurationException">An entry is not a valid <c>host[:port]</c>.</exception>
    public static RegistryClientOptions FromEnvironment(IEnumerable<string>? allowHttpRegistries = null, Func<string, string?>? read = null)
    {
        var registries = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in allowHttpRegistries ?? [])
            {
                registries.UnionWith(ParseHttpRegistries(entry));
            }

            registries.UnionWith(ParseHttpRegistries((read ?? Environment.GetEnvironmentVariable)(HttpRegistriesVariable)));
        }
        catch (FormatException exception)
        {
            throw new ConfigurationException($"plain-HTTP registry list (--allow-http-registry / {HttpRegistriesVariable}): {exception.Message}", exception);
        }

        return new RegistryClientOptions { HttpRegistries = registries.ToFrozenSet() };
    }

    /// <summary>Whether <paramref name="hostPort"/> is reached over plain HTTP.</summary>
    public bool IsPlainHttp(string hostPort) => HttpRegistries.Contains(hostPort.ToLowerInvariant());

    /// <summary>Checks every value.</summary>
    /// <exception cref="ConfigurationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxManifestBytes is < 1024 or > 64 * 1024 * 1024)
        {
            throw new ConfigurationException($"registry MaxManifestBytes must be 1 KiB–64 MiB, not {MaxManifestBytes}");
        }

        if (TagsPageSize is < 1 or > 10_000 || MaxTags < 1)
        {
            throw new ConfigurationException("registry TagsPageSize must be 1–10,000 and MaxTags positive");
        }

        ArgumentNullException.ThrowIfNull(HttpRegistries);
        ArgumentNullException.ThrowIfNull(Retry);
        Retry.Validate();
    }

    private static string NormalizeHostPort(string entry)
    {
        var text = entry.ToLowerInvariant();
        string host = text;
        var colon = text.LastIndexOf(':');
        if (colon >= 0 && !text.EndsWith(']'))
        {
            host = text[..colon];
            var port = text[(colon + 1)..];
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new FormatException($"'{Shorten(entry)}' has an invalid port (expected host:1–65535)");
            }
        }

        var bareHost = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (bareHost.Length == 0 || Uri.CheckHostName(bareHost) == UriHostNameType.Unknown || (bareHost.Contains(':') && !host.StartsWith('[')))
        {
            throw new FormatException($"'{Shorten(entry)}' is not a host[:port]");
        }

        return text;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
