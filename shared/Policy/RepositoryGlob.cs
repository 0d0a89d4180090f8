using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>
/// A repository glob: <c>*</c> matches within one path segment, <c>**</c> across segments; everything else is literal.
/// Matched by a small dynamic program rather than a regex, so parsing many globs stays cheap and matching is linear.
/// A glob is canonicalised as image references are (<see cref="ImageReference"/>, <see cref="RegistryHost"/>), so it matches
/// the repositories it names however either side spells the registry: <c>REGISTRY:05000/p/**</c> is
/// <c>registry:5000/p/**</c>, <c>index.docker.io/nginx</c> and <c>nginx</c> are <c>docker.io/library/nginx</c>.
/// </summary>
internal sealed record RepositoryGlob
{
    private const char AnyInSegment = '\u0001';
    private const char AnyAcrossSegments = '\u0002';
    private const string AnyPort = "*";

    private readonly IReadOnlyList<string> _alternatives;

    private RepositoryGlob(string pattern, IReadOnlyList<string> canonical, IReadOnlyList<string> alternatives)
    {
        Pattern = pattern;
        Canonical = canonical;
        _alternatives = alternatives;
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>
    /// The canonical globs it stands for: one, or two when a wildcard port (<c>host:*</c>) must also match the canonical name
    /// without a port (HTTPS's 443 is left out of canonical names).
    /// </summary>
    public IReadOnlyList<string> Canonical { get; }

    /// <summary>Parses a glob.</summary>
    /// <exception cref="FormatException">
    /// The glob is empty, has characters a repository can't contain, or names no canonical repository: an invalid registry
    /// host or port, a port pattern other than a number or <c>*</c>, an upper-case path, or an ambiguous Docker Hub glob.
    /// </exception>
    public static RepositoryGlob Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 512)
        {
            throw new FormatException("repository glob must be 1–512 characters");
        }

        foreach (var c in pattern)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or '/' or ':' or '*' or '[' or ']'))
            {
                throw new FormatException($"repository glob '{pattern}' has an invalid character '{c}'");
            }
        }

        var canonical = Canonicalize(pattern);
        return new RepositoryGlob(pattern, canonical, [.. canonical.Select(Tokenize)]);
    }

    /// <summary>Whether <paramref name="repositoryName"/> (a canonical <c>registry/repository</c>) matches.</summary>
    public bool Matches(string repositoryName)
    {
        ArgumentNullException.ThrowIfNull(repositoryName);
        foreach (var tokens in _alternatives)
        {
            if (Matches(tokens, repositoryName))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public bool Equals(RepositoryGlob? other) => other is not null && other.Pattern == Pattern;

    /// <inheritdoc />
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);

    private static List<string> Canonicalize(string pattern)
    {
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return [CanonicalWithoutRegistry(pattern)];
        }

        var first = pattern[..slash];
        var path = pattern[(slash + 1)..];

        // The first segment names the registry as in a reference (a '.', a ':' or localhost), or when it is a host wildcard.
        var namesRegistry = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)
            || first.Contains('*', StringComparison.Ordinal) || first.Contains('[', StringComparison.Ordinal) || first == "localhost";
        if (!namesRegistry)
        {
            return [DockerHubGlob(pattern, pattern)];
        }

        CheckPath(path, pattern);
        if (!first.Contains('*', StringComparison.Ordinal))
        {
            var registry = RegistryHost.Parse(first).Name;
            return [registry == RegistryHost.DockerHub ? DockerHubGlob(path, pattern) : registry + "/" + path];
        }

        return [.. WildcardHosts(first, pattern).Select(host => host + "/" + path)];
    }

    private static string CanonicalWithoutRegistry(string pattern)
    {
        // Every repository name has a '/', so without one only a glob with '**' can match; a plain name is a Docker Hub image.
        if (pattern.Contains("**", StringComparison.Ordinal))
        {
            return pattern.ToLowerInvariant();
        }

        if (pattern.Contains('*', StringComparison.Ordinal))
        {
            throw new FormatException($"repository glob '{pattern}' can match no repository: write registry/path (e.g. 'docker.io/library/{pattern}') or use '**'");
        }

        return DockerHubGlob(pattern, pattern);
    }

    /// <summary>A Docker Hub path glob, with <c>library/</c> for one segment as docker adds it to official images.</summary>
    private static string DockerHubGlob(string path, string pattern)
    {
        CheckPath(path, pattern);
        if (path.Contains('/', StringComparison.Ordinal) || path == "**")
        {
            return RegistryHost.DockerHub + "/" + path;
        }

        if (path.Contains("**", StringComparison.Ordinal))
        {
            throw new FormatException($"repository glob '{pattern}' is ambiguous on Docker Hub, where one-segment names are library/NAME: write docker.io/library/{path} or docker.io/{path.Replace("**", "*", StringComparison.Ordinal)}/**");
        }

        return RegistryHost.DockerHub + "/library/" + path;
    }

    private static void CheckPath(string path, string pattern)
    {
        if (path.Length == 0 || path.Contains('[', StringComparison.Ordinal) || path.Contains(']', StringComparison.Ordinal))
        {
            throw new FormatException($"repository glob '{pattern}' has no valid repository path after the registry");
        }

        if (path.Any(char.IsAsciiLetterUpper))
        {
            throw new FormatException($"repository glob '{pattern}' has upper-case letters in its path; image repository paths are lower-case");
        }
    }

    /// <summary>
    /// A host wildcard such as <c>*.pkg.dev</c> or <c>registry:*</c>. Its port is a number (canonicalised like a reference's)
    /// or <c>*</c>, which also matches no port: a reference written <c>host:443</c> is canonically <c>host</c>.
    /// </summary>
    private static List<string> WildcardHosts(string first, string pattern)
    {
        if (first.Contains('[', StringComparison.Ordinal) || first.Contains(']', StringComparison.Ordinal))
        {
            throw new FormatException($"repository glob '{pattern}': an IPv6 registry can't contain wildcards");
        }

        var lower = first.ToLowerInvariant();
        var colon = lower.LastIndexOf(':');
        if (colon < 0)
        {
            return [lower];
        }

        var host = lower[..colon];
        var port = lower[(colon + 1)..];
        if (port == AnyPort)
        {
            return [host + ":" + AnyPort, host];
        }

        if (port.Length == 0 || !port.All(char.IsAsciiDigit))
        {
            throw new FormatException($"repository glob '{pattern}': a registry port in a glob is a number or '*'");
        }

        var canonicalPort = RegistryHost.ParsePort(port);
        return [canonicalPort == RegistryHost.HttpsPort ? host : $"{host}:{canonicalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}"];
    }

    private static string Tokenize(string glob)
    {
        var tokens = new System.Text.StringBuilder(glob.Length);
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                tokens.Append(AnyAcrossSegments);
                i++;
            }
            else
            {
                tokens.Append(glob[i] == '*' ? AnyInSegment : glob[i]);
            }
        }

        return tokens.ToString();
    }

    private static bool Matches(string tokens, string repositoryName)
    {
        var text = repositoryName.AsSpan();

        // matched[j]: the tokens so far match the first j characters of the text.
        Span<bool> matched = text.Length < 512 ? stackalloc bool[text.Length + 1] : new bool[text.Length + 1];
        Span<bool> next = text.Length < 512 ? stackalloc bool[text.Length + 1] : new bool[text.Length + 1];
        matched.Clear();
        matched[0] = true;
        foreach (var token in tokens)
        {
            next.Clear();
            for (var j = 0; j <= text.Length; j++)
            {
                next[j] = token switch
                {
                    AnyAcrossSegments => matched[j] || (j > 0 && next[j - 1]),
                    AnyInSegment => matched[j] || (j > 0 && next[j - 1] && text[j - 1] != '/'),
                    _ => j > 0 && matched[j - 1] && text[j - 1] == token,
                };
            }

            var swap = matched;
            matched = next;
            next = swap;
        }

        return matched[text.Length];
    }
}
