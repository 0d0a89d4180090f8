using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ImageTrust.Model;

/// <summary>
/// A registry's <c>host[:port]</c> in canonical form, so that one registry has one name whatever its spelling: the host
/// lower-cased (an IPv6 literal in its compressed lower-case form), the port without leading zeros and dropped when it is
/// HTTPS's 443, and Docker Hub's aliases (<c>index.docker.io</c>, <c>registry-1.docker.io</c>) named <c>docker.io</c>.
/// Spellings a resolver could read as another address (<c>127.1</c>, <c>0x7f.0.0.1</c>, <c>127.0.0.01</c>) are refused.
/// </summary>
internal sealed record RegistryHost
{
    /// <summary>Docker Hub's canonical registry name.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The HTTPS port, which a canonical name leaves out.</summary>
    public const int HttpsPort = 443;

    private const int MaxHostLength = 253;
    private const int MaxPortDigits = 5;

    private RegistryHost(string host, int? port)
    {
        Host = host;
        Port = port;
        Name = host is "index.docker.io" or "registry-1.docker.io" && port is null or HttpsPort
            ? DockerHub
            : port is null or HttpsPort ? host : $"{host}:{port.Value.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The host: a lower-case DNS name, a dotted-quad IPv4 address, or a bracketed lower-case IPv6 address.</summary>
    public string Host { get; }

    /// <summary>The port as written (1–65535, leading zeros removed), or null when none was written.</summary>
    public int? Port { get; }

    /// <summary>The canonical name: <c>host</c> or <c>host:port</c>, <c>docker.io</c> for Docker Hub.</summary>
    public string Name { get; }

    /// <summary>Parses <c>host[:port]</c> without throwing.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RegistryHost? host)
    {
        host = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            host = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>host[:port]</c>.</summary>
    /// <exception cref="FormatException">
    /// The text is not a DNS name, IPv4 or bracketed IPv6 address with an optional port 1–65535 of at most five digits,
    /// or is an IPv4 address in a non-canonical spelling.
    /// </exception>
    public static RegistryHost Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (host, portText) = SplitPort(text);
        int? port = null;
        if (portText is not null)
        {
            try
            {
                port = ParsePort(portText);
            }
            catch (FormatException e)
            {
                throw new FormatException($"registry '{Shorten(text)}': {e.Message}", e);
            }
        }

        string canonical;
        if (host.StartsWith('['))
        {
            canonical = CanonicalIPv6(host, text);
        }
        else
        {
            CheckDnsName(host, text);
            canonical = host.ToLowerInvariant();
            CheckNotAmbiguousIPv4(canonical, text);
        }

        // The registry client connects to this name through Uri: it must read it as exactly this host, not another spelling.
        if (!Uri.TryCreate($"https://{canonical}/", UriKind.Absolute, out var uri) || uri.Host != canonical)
        {
            throw new FormatException($"registry '{Shorten(text)}' is not a canonical host name");
        }

        return new RegistryHost(canonical, port);
    }

    /// <summary>
    /// Parses a registry reached over plain HTTP (<c>--allow-http-registry</c>, <c>IMAGETRUST_HTTP_REGISTRIES</c>) into the
    /// canonical name that references use. Port 443 is refused: canonical names leave it out as HTTPS's, so a plain-HTTP
    /// <c>host:443</c> would become <c>host</c> and be reached on port 80.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid <c>host[:port]</c>, or names port 443.</exception>
    public static RegistryHost ParsePlainHttp(string text)
    {
        var host = Parse(text);
        return host.Port == HttpsPort
            ? throw new FormatException($"registry '{Shorten(text)}': plain HTTP on port {HttpsPort} is not supported (image references name host:{HttpsPort} and host alike, as HTTPS)")
            : host;
    }

    /// <summary>Parses a port: 1–65535, at most five digits (so a run of leading zeros can't make one name look like many).</summary>
    /// <exception cref="FormatException">The text is not such a port.</exception>
    public static int ParsePort(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (digits.Length is 0 or > MaxPortDigits || !digits.All(char.IsAsciiDigit))
        {
            throw new FormatException($"port '{Shorten(digits)}' is invalid (expected 1–65535, at most {MaxPortDigits} digits)");
        }

        var port = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return port is >= 1 and <= 65535 ? port : throw new FormatException($"port {port} is invalid (expected 1–65535)");
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static (string Host, string? Port) SplitPort(string text)
    {
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw new FormatException($"registry '{Shorten(text)}' is not a valid [IPv6]:port");
            }

            return (text[..(close + 1)], close + 1 < text.Length ? text[(close + 2)..] : null);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
    }

    private static string CanonicalIPv6(string bracketed, string text)
    {
        var inner = bracketed[1..^1];
        if (inner.Length == 0 || !inner.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
            || !IPAddress.TryParse(inner, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new FormatException($"registry '{Shorten(text)}' is not a valid IPv6 address");
        }

        return "[" + address + "]";
    }

    private static void CheckDnsName(string host, string text)
    {
        if (host.Length is 0 or > MaxHostLength)
        {
            throw new FormatException($"registry '{Shorten(text)}' is not a valid host[:port]");
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new FormatException($"registry '{Shorten(text)}' is not a valid host[:port] (DNS labels of letters, digits and inner '-')");
            }
        }
    }

    /// <summary>
    /// A host whose labels are all numbers (decimal, octal with a leading 0, or 0x hex) is an IPv4 address to the resolver and
    /// to .NET's <see cref="Uri"/>, whatever the spelling; only the dotted-quad spelling is accepted, so it has one name.
    /// </summary>
    private static void CheckNotAmbiguousIPv4(string host, string text)
    {
        var labels = host.Split('.');
        if (labels.Length > 4 || !labels.All(IsNumericLabel))
        {
            return;
        }

        if (labels.Length != 4 || !labels.All(IsCanonicalOctet))
        {
            throw new FormatException($"registry '{Shorten(text)}' spells an IPv4 address in a non-canonical form; write four decimal numbers 0–255 without leading zeros");
        }
    }

    private static bool IsNumericLabel(string label)
        => label.All(char.IsAsciiDigit) || (label.StartsWith("0x", StringComparison.Ordinal) && label[2..].All(char.IsAsciiHexDigit));

    private static bool IsCanonicalOctet(string label)
        => label.Length is >= 1 and <= 3 && label.All(char.IsAsciiDigit) && (label == "0" || label[0] != '0')
           && int.Parse(label, NumberStyles.None, CultureInfo.InvariantCulture) <= 255;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
