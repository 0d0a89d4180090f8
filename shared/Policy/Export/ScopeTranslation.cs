using System.Globalization;
using System.Text;
using ImageTrust.Model;

namespace ImageTrust.Policy.Export;

/// <summary>
/// Turns a rule's canonical repository globs into what an admission controller matches images with, or says why it can't be
/// done exactly. ImageTrust matches the canonical <c>registry/repository</c> (host lower-cased, port 443 left out, Docker Hub's
/// aliases and <c>library/</c> resolved); the targets match the reference as the pod spec spells it:
/// <list type="bullet">
/// <item>Kyverno (<c>matchImageReferences[].expression</c>, CEL over <c>ref</c>, the raw reference): an RE2 regular expression
/// accepting every spelling ImageTrust canonicalises into the glob, followed by a tag and/or digest. Its <c>glob</c> form
/// (gobwas/glob without separators, where <c>*</c> crosses <c>/</c>) is not used.</item>
/// <item>policy-controller (<c>images[].glob</c>, matched against go-containerregistry's <c>Name()</c>, which resolves
/// <c>docker.io</c> to <c>index.docker.io</c> and adds <c>library/</c>, and keeps the rest as spelled): globs where <c>*</c> is
/// <c>[^/]*</c> and <c>**</c> is <c>.*</c>, so <c>*</c> also crosses the tag's <c>:</c> and the digest's <c>@</c>.</item>
/// </list>
/// </summary>
internal static class ScopeTranslation
{
    private const string Tag = "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?";
    private const string DigestSuffix = "(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,})?";
    private const int MaxPortDigits = 5;
    private static readonly string[] DockerHubHosts = ["docker.io", "index.docker.io", "registry-1.docker.io"];

    /// <summary>The RE2 pattern Kyverno's <c>ref.matches(…)</c> needs for one canonical glob, or the reason it can't be exact.</summary>
    public static (string? Pattern, string? Refusal) KyvernoPattern(string canonicalGlob)
    {
        var (host, path, refusal) = Split(canonicalGlob);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        var alternatives = new List<string>();
        if (host == RegistryHost.DockerHub)
        {
            var hubPath = PathPattern(path);
            alternatives.AddRange(DockerHubHosts.Select(alias => HostPattern(alias, null) + "/" + hubPath));
            if (path.StartsWith("library/", StringComparison.Ordinal) && !path[8..].Contains('/', StringComparison.Ordinal))
            {
                // docker.io/library/NAME is also spelled NAME, library/NAME and docker.io/NAME.
                var name = path[8..];
                alternatives.AddRange(DockerHubHosts.Select(alias => HostPattern(alias, null) + "/" + PathPattern(name)));
                alternatives.Add(FirstSegmentPattern(path));
                alternatives.Add(FirstSegmentPattern(name));
            }
            else if (FirstSegmentCanBeBare(path))
            {
                // ORG/NAME without a registry is Docker Hub when ORG has no '.' or ':' and is not localhost.
                alternatives.Add(FirstSegmentPattern(path));
            }
        }
        else
        {
            var colon = host.LastIndexOf(':');
            var bare = colon > 0 && !host.EndsWith(']') ? host[..colon] : host;
            int? port = colon > 0 && !host.EndsWith(']') ? int.Parse(host[(colon + 1)..], CultureInfo.InvariantCulture) : null;
            alternatives.Add(HostPattern(bare, port) + "/" + PathPattern(path));
        }

        return ($"^(?:{string.Join("|", alternatives.Distinct(StringComparer.Ordinal))}){Tag}{DigestSuffix}$", null);
    }

    /// <summary>The policy-controller globs for one canonical glob, or the reason they can't be exact.</summary>
    public static (IReadOnlyList<string>? Globs, string? Refusal) PolicyControllerGlobs(string canonicalGlob)
    {
        var (host, path, refusal) = Split(canonicalGlob);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        var last = path[(path.LastIndexOf('/') + 1)..];
        var star = last.IndexOf('*', StringComparison.Ordinal);
        string[] suffixes;
        if (path.EndsWith("**", StringComparison.Ordinal) || last == "*")
        {
            suffixes = [string.Empty];
        }
        else if (star < 0)
        {
            suffixes = [":*", "@*"];
        }
        else if (star == last.Length - 1)
        {
            // A literal prefix then '*': '[^/]*' runs over the tag or digest too, but only ever after that prefix.
            suffixes = [string.Empty];
        }
        else
        {
            return (null, $"policy-controller's '*' also matches the ':' of a tag and the '@' of a digest, so '{last}' would match repositories ImageTrust's glob does not");
        }

        if (path.Contains("**", StringComparison.Ordinal) && !path.EndsWith("**", StringComparison.Ordinal) && star >= 0)
        {
            return (null, "a '**' followed by a segment with '*' can't be told apart from a tag or digest in policy-controller's globs");
        }

        var hosts = new List<string>();
        if (host == RegistryHost.DockerHub)
        {
            hosts.Add("index.docker.io");
            hosts.Add("registry-1.docker.io");
            hosts.Add("index.docker.io:443");
            hosts.Add("registry-1.docker.io:443");
        }
        else
        {
            var colon = host.LastIndexOf(':');
            if (colon > 0 && !host.EndsWith(']'))
            {
                var port = host[(colon + 1)..];
                for (var zeros = 0; zeros + port.Length <= MaxPortDigits; zeros++)
                {
                    hosts.Add(host[..colon] + ":" + new string('0', zeros) + port);
                }
            }
            else
            {
                hosts.Add(host);
                hosts.AddRange(new[] { "443", "0443", "00443" }.Select(port => $"{host}:{port}"));
            }
        }

        return ([.. hosts.SelectMany(prefix => suffixes.Select(suffix => $"{prefix}/{path}{suffix}"))], null);
    }

    private static (string Host, string Path, string? Refusal) Split(string canonicalGlob)
    {
        var slash = canonicalGlob.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (string.Empty, string.Empty, $"the glob '{canonicalGlob}' names no registry");
        }

        var host = canonicalGlob[..slash];
        var path = canonicalGlob[(slash + 1)..];
        if (host.Contains('*', StringComparison.Ordinal))
        {
            return (host, path, $"a wildcard in the registry host ('{host}'): ImageTrust matches the canonical host name, the targets match the spelling in the pod spec");
        }

        if (host.StartsWith('['))
        {
            return (host, path, $"an IPv6 registry ('{host}') has spellings the targets do not treat as one");
        }

        return (host, path, null);
    }

    private static bool FirstSegmentCanBeBare(string path)
    {
        var first = path.Split('/')[0];
        return !first.Contains('.', StringComparison.Ordinal) && first != "localhost";
    }

    // Without a registry, the first segment must not look like one: no '.' (nor ':', which a path can't hold).
    private static string FirstSegmentPattern(string path) => PathPattern(path, bareFirstSegment: true);

    private static string HostPattern(string host, int? port)
    {
        var builder = new StringBuilder();
        foreach (var c in host)
        {
            builder.Append(char.IsAsciiLetter(c) ? $"[{char.ToLowerInvariant(c)}{char.ToUpperInvariant(c)}]" : Escape(c));
        }

        if (port is { } number)
        {
            var digits = number.ToString(CultureInfo.InvariantCulture);
            var zeros = MaxPortDigits - digits.Length;
            builder.Append(zeros > 0 ? $":0{{0,{zeros.ToString(CultureInfo.InvariantCulture)}}}{digits}" : $":{digits}");
        }
        else
        {
            // A canonical name without a port is HTTPS's 443, which a reference may spell out (with leading zeros).
            builder.Append("(?::0{0,2}443)?");
        }

        return builder.ToString();
    }

    private static string PathPattern(string path, bool bareFirstSegment = false)
    {
        // Without a registry, a name of two or more segments is Docker Hub's only when its first segment has no '.' (else it
        // names a registry); a one-segment name may have one. (A bare first segment 'localhost' names a registry too; the
        // pattern lets it through, which only ever applies the policy to more images, never fewer.)
        var builder = new StringBuilder();
        var firstSegment = bareFirstSegment;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '*' && i + 1 < path.Length && path[i + 1] == '*')
            {
                builder.Append(firstSegment ? "(?:[^/:@]*|[^/:@.]*/[^:@]*)" : "[^:@]*");
                i++;
            }
            else if (c == '*')
            {
                var segmentEnds = path.IndexOf('/', i) >= 0;
                builder.Append(firstSegment && segmentEnds ? "[^/:@.]*" : "[^/:@]*");
            }
            else
            {
                if (c == '/')
                {
                    firstSegment = false;
                }

                builder.Append(Escape(c));
            }
        }

        return builder.ToString();
    }

    private static string Escape(char c) => c is '.' or '[' or ']' or '(' or ')' or '{' or '}' or '?' or '+' or '|' or '^' or '$' or '\\' or '*'
        ? "\\" + c
        : c.ToString();
}
