using System.Text.RegularExpressions;

namespace ImageTrust.Policy;

/// <summary>An exact string or a user-anchored regular expression run with <see cref="RegexOptions.NonBacktracking"/>.</summary>
internal sealed record StringMatcher
{
    private readonly Regex? _regex;

    private StringMatcher(string? exact, Regex? regex)
    {
        Exact = exact;
        _regex = regex;
    }

    /// <summary>The exact value, or null for a regex matcher.</summary>
    public string? Exact { get; }

    /// <summary>The regex pattern, or null for an exact matcher.</summary>
    public string? Pattern => _regex?.ToString();

    /// <summary>An exact, ordinal matcher.</summary>
    public static StringMatcher ExactValue(string value) => new(value, null);

    /// <summary>A regex matcher, as cosign's <c>…-regexp</c> flags: not anchored unless the pattern anchors itself.</summary>
    /// <exception cref="FormatException">The pattern is not a valid regex.</exception>
    public static StringMatcher Regexp(string pattern)
    {
        try
        {
            return new StringMatcher(null, new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{pattern}' is not a valid regular expression: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="value"/> matches.</summary>
    public bool IsMatch(string value) => Exact is not null ? string.Equals(Exact, value, StringComparison.Ordinal) : _regex!.IsMatch(value);

    /// <inheritdoc />
    public override string ToString() => Exact ?? $"~{Pattern}";

    /// <inheritdoc />
    public bool Equals(StringMatcher? other) => other is not null && other.Exact == Exact && other.Pattern == Pattern;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Exact, Pattern);
}
