using System.Text.RegularExpressions;

namespace ImageTrust.Policy;

/// <summary>An exact string or a user-anchored regular expression run with <see cref="RegexOptions.NonBacktracking"/>.</summary>
internal sealed record StringMatcher
{
    private const RegexOptions LinearTime = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(1);

    private readonly Task<Regex>? _regex;

    private StringMatcher(string? exact, string? pattern, Task<Regex>? regex)
    {
        Exact = exact;
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>The exact value, or null for a regex matcher.</summary>
    public string? Exact { get; }

    /// <summary>The regex pattern, or null for an exact matcher.</summary>
    public string? Pattern { get; }

    /// <summary>An exact, ordinal matcher.</summary>
    public static StringMatcher ExactValue(string value) => new(value, null, null);

    /// <summary>
    /// A regex matcher, as cosign's <c>…-regexp</c> flags: not anchored unless the pattern anchors itself. The syntax is
    /// checked here; building the linear-time automaton (tens of milliseconds) runs in the background, so loading a policy
    /// does not wait for it, unless the pattern uses a construct the linear-time engine may refuse, which is built here.
    /// </summary>
    /// <exception cref="FormatException">The pattern is not a valid regex, or not one the linear-time engine supports.</exception>
    public static StringMatcher Regexp(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            if (MayNeedBacktracking(pattern))
            {
                return new StringMatcher(null, pattern, Task.FromResult(new Regex(pattern, LinearTime, s_matchTimeout)));
            }

            // The backtracking parser accepts every pattern the linear-time one does without the constructs screened above.
            _ = new Regex(pattern, RegexOptions.CultureInvariant, s_matchTimeout);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new FormatException($"'{pattern}' is not a valid regular expression: {e.Message}", e);
        }

        return new StringMatcher(null, pattern, Task.Run(() => new Regex(pattern, LinearTime, s_matchTimeout)));
    }

    /// <summary>Whether <paramref name="value"/> matches.</summary>
    public bool IsMatch(string value) => Exact is not null ? string.Equals(Exact, value, StringComparison.Ordinal) : _regex!.GetAwaiter().GetResult().IsMatch(value);

    /// <inheritdoc />
    public override string ToString() => Exact ?? $"~{Pattern}";

    /// <inheritdoc />
    public bool Equals(StringMatcher? other) => other is not null && other.Exact == Exact && other.Pattern == Pattern;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Exact, Pattern);

    /// <summary>
    /// Whether the pattern contains a construct that the linear-time engine refuses (lookarounds, atomic groups, conditionals
    /// and balancing groups all start with <c>(?</c>; backreferences are <c>\1</c>–<c>\9</c> or <c>\k</c>; <c>\G</c>).
    /// Over-approximates (inline options such as <c>(?i)</c> also count), which only means an eager build.
    /// </summary>
    private static bool MayNeedBacktracking(string pattern)
    {
        for (var i = 0; i + 1 < pattern.Length; i++)
        {
            var next = pattern[i + 1];
            if ((pattern[i] == '(' && next == '?') || (pattern[i] == '\\' && (next is 'k' or 'G' || char.IsAsciiDigit(next))))
            {
                return true;
            }
        }

        return false;
    }
}
