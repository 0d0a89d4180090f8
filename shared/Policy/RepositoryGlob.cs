using System.Text;
using System.Text.RegularExpressions;

namespace ImageTrust.Policy;

/// <summary>A repository glob: <c>*</c> matches within one path segment, <c>**</c> across segments.</summary>
internal sealed record RepositoryGlob
{
    private readonly Regex _regex;

    private RepositoryGlob(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
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

        var builder = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                builder.Append(".*");
                i++;
            }
            else if (c == '*')
            {
                builder.Append("[^/]*");
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or ':')
            {
                builder.Append(Regex.Escape(c.ToString()));
            }
            else
            {
                throw new FormatException($"repository glob '{pattern}' has an invalid character '{c}'");
            }
        }

        builder.Append('$');
        return new RepositoryGlob(pattern, new Regex(builder.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
    }

    /// <summary>Whether <paramref name="repositoryName"/> (<c>registry/repository</c>) matches.</summary>
    public bool Matches(string repositoryName) => _regex.IsMatch(repositoryName);

    /// <inheritdoc />
    public bool Equals(RepositoryGlob? other) => other is not null && other.Pattern == Pattern;

    /// <inheritdoc />
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
}
