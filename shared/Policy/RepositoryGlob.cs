namespace ImageTrust.Policy;

/// <summary>
/// A repository glob: <c>*</c> matches within one path segment, <c>**</c> across segments; everything else is literal.
/// Matched by a small dynamic program rather than a regex, so parsing many globs stays cheap and matching is linear.
/// </summary>
internal sealed record RepositoryGlob
{
    private const char AnyInSegment = '\u0001';
    private const char AnyAcrossSegments = '\u0002';

    private readonly string _tokens;

    private RepositoryGlob(string pattern, string tokens)
    {
        Pattern = pattern;
        _tokens = tokens;
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>Parses a glob.</summary>
    /// <exception cref="FormatException">The glob is empty or has characters a repository can't contain.</exception>
    public static RepositoryGlob Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 512)
        {
            throw new FormatException("repository glob must be 1–512 characters");
        }

        var tokens = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                tokens.Append(AnyAcrossSegments);
                i++;
            }
            else if (c == '*')
            {
                tokens.Append(AnyInSegment);
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or ':')
            {
                tokens.Append(c);
            }
            else
            {
                throw new FormatException($"repository glob '{pattern}' has an invalid character '{c}'");
            }
        }

        return new RepositoryGlob(pattern, tokens.ToString());
    }

    /// <summary>Whether <paramref name="repositoryName"/> (<c>registry/repository</c>) matches.</summary>
    public bool Matches(string repositoryName)
    {
        ArgumentNullException.ThrowIfNull(repositoryName);
        var text = repositoryName.AsSpan();

        // matched[j]: the tokens so far match the first j characters of the text.
        Span<bool> matched = text.Length < 512 ? stackalloc bool[text.Length + 1] : new bool[text.Length + 1];
        Span<bool> next = text.Length < 512 ? stackalloc bool[text.Length + 1] : new bool[text.Length + 1];
        matched.Clear();
        matched[0] = true;
        foreach (var token in _tokens)
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

    /// <inheritdoc />
    public bool Equals(RepositoryGlob? other) => other is not null && other.Pattern == Pattern;

    /// <inheritdoc />
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
}
