using System.Text.RegularExpressions;

namespace ImageTrust.Model;

/// <summary>
/// An exact string, or a user-anchored regular expression in Go's regexp syntax (as cosign's <c>…-regexp</c> flags take it),
/// translated by <see cref="GoRegexp"/> and run with <see cref="RegexOptions.NonBacktracking"/> (linear time).
/// </summary>
internal sealed record StringMatcher
{
    private const RegexOptions LinearTime = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    // Above this Go program size the automaton is built at once, so a pattern over the linear-time engine's limit (about
    // 10,000 nodes by default, e.g. [a-z]{1000} eleven times) fails at load rather than at the first match.
    private const long EagerBuildSize = 1_000;
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(1);

    private readonly Task<Regex>? _regex;
    private readonly bool _hasWordBoundary;

    private StringMatcher(string? exact, string? pattern, Task<Regex>? regex, bool hasWordBoundary)
    {
        Exact = exact;
        Pattern = pattern;
        _regex = regex;
        _hasWordBoundary = hasWordBoundary;
    }

    /// <summary>The exact value, or null for a regex matcher.</summary>
    public string? Exact { get; }

    /// <summary>The regex pattern as written (Go syntax), or null for an exact matcher.</summary>
    public string? Pattern { get; }

    /// <summary>An exact, ordinal matcher.</summary>
    public static StringMatcher ExactValue(string value) => new(value, null, null, false);

    /// <summary>
    /// A regex matcher, as cosign's <c>…-regexp</c> flags: Go's syntax and meaning (<c>$</c> is the end of text), not anchored
    /// unless the pattern anchors itself. The syntax is checked here; building the linear-time automaton (tens of
    /// milliseconds) runs in the background, so loading a policy does not wait for it, except for very large patterns.
    /// </summary>
    /// <exception cref="FormatException">Go's regexp package rejects the pattern, or ImageTrust refuses it; the message says which and why.</exception>
    public static StringMatcher Regexp(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var translation = GoRegexp.Translate(pattern);
        if (translation.ProgramSize <= EagerBuildSize)
        {
            // The translation only uses constructs the linear-time engine supports, and this size is far below its limit.
            return new StringMatcher(null, pattern, Task.Run(() => Build(translation)), translation.HasWordBoundary);
        }

        try
        {
            return new StringMatcher(null, pattern, Task.FromResult(Build(translation)), translation.HasWordBoundary);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new FormatException($"regular expression '{pattern}' is refused: ImageTrust's linear-time engine can't build it ({e.Message})", e);
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> matches. A regex never matches a value with a surrogate (a character outside the Basic
    /// Multilingual Plane: Go matches code points, .NET UTF-16 units), nor, when it has <c>\b</c> or <c>\B</c>, a value
    /// with a non-ASCII character (Go's word boundaries are ASCII, .NET's Unicode). Matchers are requirements, so not matching
    /// fails closed.
    /// </summary>
    public bool IsMatch(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Exact is not null)
        {
            return string.Equals(Exact, value, StringComparison.Ordinal);
        }

        foreach (var c in value)
        {
            if (char.IsSurrogate(c) || (_hasWordBoundary && !char.IsAscii(c)))
            {
                return false;
            }
        }

        return _regex!.GetAwaiter().GetResult().IsMatch(value);
    }

    /// <inheritdoc />
    public override string ToString() => Exact ?? $"~{Pattern}";

    /// <inheritdoc />
    public bool Equals(StringMatcher? other) => other is not null && other.Exact == Exact && other.Pattern == Pattern;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Exact, Pattern);

    private static Regex Build(GoRegexpTranslation translation) => new(translation.Pattern, LinearTime, s_matchTimeout);
}
