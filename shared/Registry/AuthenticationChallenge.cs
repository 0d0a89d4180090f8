namespace ImageTrust.Registry;

/// <summary>
/// One parsed <c>WWW-Authenticate</c> challenge (RFC 7235), e.g. <c>Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"</c>.
/// Parameter names are case-insensitive; values keep their case.
/// </summary>
internal sealed record AuthenticationChallenge
{
    private const int MaxHeaderLength = 8192;
    private const int MaxChallenges = 16;

    private AuthenticationChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    /// <summary>The scheme as sent, e.g. <c>Bearer</c> or <c>Basic</c>.</summary>
    public string Scheme { get; }

    /// <summary>The auth-params, keyed case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Whether this is a <c>Bearer</c> challenge.</summary>
    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this is a <c>Basic</c> challenge.</summary>
    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>realm</c> parameter, or null.</summary>
    public string? Realm => Parameters.GetValueOrDefault("realm");

    /// <summary>The <c>service</c> parameter, or null.</summary>
    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>The <c>scope</c> parameter, or null.</summary>
    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>
    /// Parses every challenge in one header value (a header may carry several, comma-separated).
    /// Never throws: malformed text yields the challenges parsed before the fault, possibly none.
    /// </summary>
    public static IReadOnlyList<AuthenticationChallenge> ParseAll(string? header)
    {
        var challenges = new List<AuthenticationChallenge>();
        if (string.IsNullOrEmpty(header) || header.Length > MaxHeaderLength)
        {
            return challenges;
        }

        var position = 0;
        while (position < header.Length && challenges.Count < MaxChallenges)
        {
            SkipSeparators(header, ref position);
            var scheme = ReadToken(header, ref position);
            if (scheme.Length == 0)
            {
                // Junk where a scheme should be: skip one character so parsing always advances.
                position++;
                continue;
            }

            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (position < header.Length)
            {
                SkipWhitespace(header, ref position);
                var start = position;
                var name = ReadToken(header, ref position);
                SkipWhitespace(header, ref position);
                if (name.Length == 0 || position >= header.Length || header[position] != '=')
                {
                    // Not a parameter: the next challenge's scheme (or a token68 value); rewind and let the outer loop read it.
                    position = start;
                    break;
                }

                position++;
                SkipWhitespace(header, ref position);
                if (!TryReadValue(header, ref position, out var value))
                {
                    break;
                }

                parameters.TryAdd(name, value);
                SkipWhitespace(header, ref position);
                if (position < header.Length && header[position] == ',')
                {
                    position++;
                }
            }

            challenges.Add(new AuthenticationChallenge(scheme, parameters));
        }

        return challenges;
    }

    private static bool TryReadValue(string text, ref int position, out string value)
    {
        if (position < text.Length && text[position] == '"')
        {
            var builder = new System.Text.StringBuilder();
            position++;
            while (position < text.Length)
            {
                var c = text[position++];
                if (c == '"')
                {
                    value = builder.ToString();
                    return true;
                }

                if (c == '\\' && position < text.Length)
                {
                    c = text[position++];
                }

                builder.Append(c);
            }

            value = string.Empty;
            return false;
        }

        value = ReadToken(text, ref position);
        return true;
    }

    private static string ReadToken(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && IsTokenChar(text[position]))
        {
            position++;
        }

        return text[start..position];
    }

    private static void SkipWhitespace(string text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }
    }

    private static void SkipSeparators(string text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t' or ',')
        {
            position++;
        }
    }

    // RFC 7230 tchar, plus '/' which token68 values and some registries' unquoted realms use.
    private static bool IsTokenChar(char c)
        => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~' or '/' or ':';
}
