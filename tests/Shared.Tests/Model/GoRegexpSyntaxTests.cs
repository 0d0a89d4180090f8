using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

/// <summary>
/// Policy and flag regexps behave as cosign's, which compiles them with Go's <c>regexp</c> package (RE2 syntax). Each row
/// quotes the line of Go's <c>regexp/syntax</c> package documentation (pkg.go.dev/regexp/syntax, <c>doc.go</c>) or, where the
/// documentation is silent, the behaviour of its parser (<c>parse.go</c>) that it comes from. Rows marked ImageTrust are
/// places where ImageTrust is deliberately stricter than Go (README, "Where ImageTrust is stricter than cosign").
/// </summary>
public sealed class GoRegexpSyntaxTests
{
    private const string Match = "match";
    private const string NoMatch = "no match";
    private const string Rejected = "rejected";

    public static TheoryData<string, string, string, string> GoBehaviours => new()
    {
        // Empty strings.
        { @"^dev@example\.com$", "dev@example.com", Match, "$ at end of text (like \\z not \\Z)" },
        { @"^dev@example\.com$", "dev@example.com\n", NoMatch, "$ at end of text (like \\z not \\Z)" },
        { @"^https://accounts\.google\.com$", "https://accounts.google.com\n", NoMatch, "$ at end of text (like \\z not \\Z)" },
        { @"^a$", "a\n", NoMatch, "$ at end of text (like \\z not \\Z)" },
        { @"a\z", "a\n", NoMatch, "\\z at end of text" },
        { @"a\z", "ba", Match, "\\z at end of text" },
        { @"a\Z", "a", Rejected, "$ ... (like \\z not \\Z): \\Z is not in Go's syntax; parse.go rejects unknown letter escapes" },
        { @"^b", "a\nb", NoMatch, "^ at beginning of text or line (flag m=true)" },
        { @"(?m)^b$", "a\nb\nc", Match, "m multi-line mode: ^ and $ match begin/end line in addition to begin/end text" },
        { @"(?m)^a$", "a\n", Match, "m multi-line mode: ^ and $ match begin/end line in addition to begin/end text" },
        { @"(?m)a$\z", "a\n", NoMatch, "m multi-line mode; \\z at end of text" },
        { @"(?m:^b)", "a\nb", Match, "(?flags:re) set flags during re; non-capturing" },
        { @"(?m:a)$", "a\n", NoMatch, "(?flags:re) set flags during re; non-capturing" },
        { @"\Aa", "ba", NoMatch, "\\A at beginning of text" },
        { @"(?m)\Ab", "a\nb", NoMatch, "\\A at beginning of text" },
        { @"\bfoo\b", "a foo.", Match, "\\b at ASCII word boundary (\\w on one side and \\W, \\A, or \\z on the other)" },
        { @"\bfoo\b", "afoob", NoMatch, "\\b at ASCII word boundary" },
        { @"\Boo\B", "foob", Match, "\\B not at ASCII word boundary" },
        { @"\Boo", "oo", NoMatch, "\\B not at ASCII word boundary" },

        // Single characters and Perl classes.
        { @"^.$", "\n", NoMatch, ". any character, possibly including newline (flag s=true)" },
        { @"(?s)^.$", "\n", Match, "s let . match \\n (default false)" },
        { @"^[^a]$", "\n", Match, "[^xyz] negated character class (Go's Perl flags include ClassNL)" },
        { @"^\d$", "\u0663", NoMatch, "Perl character classes (all ASCII-only): \\d digits (== [0-9])" },
        { @"^\D$", "\u0663", Match, "\\D not digits (== [^0-9])" },
        { @"^\w+$", "dev_1", Match, "\\w word characters (== [0-9A-Za-z_])" },
        { @"^\w$", "\u00e9", NoMatch, "\\w word characters (== [0-9A-Za-z_])" },
        { @"^\W$", "\u00e9", Match, "\\W not word characters (== [^0-9A-Za-z_])" },
        { @"^\s$", "\v", NoMatch, "\\s whitespace (== [\\t\\n\\f\\r ])" },
        { @"^\s$", "\u00a0", NoMatch, "\\s whitespace (== [\\t\\n\\f\\r ])" },
        { @"^\s$", "\f", Match, "\\s whitespace (== [\\t\\n\\f\\r ])" },
        { @"^\S$", "\v", Match, "\\S not whitespace (== [^\\t\\n\\f\\r ])" },
        { @"^[\d]$", "7", Match, "[\\d] digits (== \\d)" },
        { @"^[^\d]$", "7", NoMatch, "[^\\d] not digits (== \\D)" },
        { @"^[^\D]$", "7", Match, "[^\\D] not not digits (== \\d)" },
        { @"^[\s]$", "\v", NoMatch, "[\\d] ... Perl class inside a class" },
        { @"^[[:space:]]$", "\v", Match, "[[:space:]] whitespace (== [\\t\\n\\v\\f\\r ])" },
        { @"^[[:alpha:]]+$", "abcXYZ", Match, "[[:alpha:]] alphabetic (== [A-Za-z])" },
        { @"^[[:alpha:]]$", "\u00e9", NoMatch, "[[:alpha:]] alphabetic (== [A-Za-z])" },
        { @"^[[:^alpha:]]$", "1", Match, "[[:^alpha:]] negated ASCII character class" },
        { @"^[^[:alpha:]]$", "a", NoMatch, "[^[:name:]] named ASCII class inside negated character class (== [:^name:])" },
        { @"^[[:word:]]$", "_", Match, "[[:word:]] word characters (== [0-9A-Za-z_])" },
        { @"^[[:punct:]]$", "~", Match, "[[:punct:]] punctuation (== [!-/:-@[-`{-~])" },
        { @"^[[:xdigit:]]+$", "09afAF", Match, "[[:xdigit:]] hex digit (== [0-9A-Fa-f])" },
        { @"^[[:cntrl:]]$", "\u007f", Match, "[[:cntrl:]] control (== [\\x00-\\x1F\\x7F])" },
        { @"[[:foo:]]", "a", Rejected, "ASCII character classes: only the names listed (parse.go: ErrInvalidCharRange)" },
        { @"^[[:alpha]$", "a", Match, "parse.go: '[:' without ':]' is no named class, so '[' ':' 'a' 'l' 'p' 'h' are members" },

        // Escape sequences.
        { @"^\a\f\t\n\r\v$", "\a\f\t\n\r\v", Match, "\\a bell, \\f form feed, \\t tab, \\n newline, \\r carriage return, \\v vertical tab" },
        { @"^\*\.\$\_$", "*.$_", Match, "\\* literal *, for any punctuation character * (parse.go also allows \\_)" },
        { @"^\123$", "S", Match, "\\123 octal character code (up to three digits)" },
        { @"^\0$", "\0", Match, "\\123 octal character code (parse.go: \\0 starts an octal escape)" },
        { @"^\12$", "\n", Match, "\\123 octal character code (up to three digits)" },
        { @"^\1234$", "S4", Match, "\\123 octal character code (up to three digits)" },
        { @"^\1$", "\u0001", Rejected, "parse.go: a single non-zero digit is a backreference; not supported" },
        { @"(a)\1", "aa", Rejected, "parse.go: a single non-zero digit is a backreference; not supported" },
        { @"^\8$", "8", Rejected, "parse.go: escaped letters and digits other than the listed escapes are invalid" },
        { @"^\x41$", "A", Match, "\\x7F hex character code (exactly two digits)" },
        { @"^\x4$", "\u0004", Rejected, "\\x7F hex character code (exactly two digits)" },
        { @"^\x{41}\x{e9}$", "A\u00e9", Match, "\\x{10FFFF} hex character code" },
        { @"^\x{10FFFF}$", "a", NoMatch, "\\x{10FFFF} hex character code" },
        { @"\x{110000}", "a", Rejected, "\\x{10FFFF} hex character code (parse.go: above unicode.MaxRune is invalid)" },
        { @"\x{}", "a", Rejected, "parse.go: \\x{} needs at least one hex digit" },
        { @"^\Qa.b\E$", "a.b", Match, "\\Q...\\E literal text ... even if ... has punctuation" },
        { @"^\Qa.b\E$", "axb", NoMatch, "\\Q...\\E literal text ... even if ... has punctuation" },
        { @"^\Qa.b$", "a.b$", Match, "\\Q...\\E (parse.go: without \\E the rest of the pattern is literal)" },
        { @"\e", "\u001b", Rejected, "Escape sequences: \\e is not listed (parse.go: invalid escape)" },
        { @"\C", "a", Rejected, "parse.go: \\C any byte; not supported" },
        { @"\G", "a", Rejected, "Escape sequences: \\G is not listed" },
        { @"\k<n>", "a", Rejected, "Escape sequences: \\k is not listed" },
        { @"\u0041", "A", Rejected, "Escape sequences: \\u is not listed" },
        { @"\cA", "\u0001", Rejected, "Escape sequences: \\c is not listed" },
        { "\\\u00e9", "\u00e9", Rejected, "parse.go: only ASCII punctuation may be escaped" },
        { @"a\", "a", Rejected, "parse.go: trailing backslash at end of expression" },

        // Repetitions.
        { @"^a{2}$", "aa", Match, "x{n} exactly n x" },
        { @"^a{2}$", "aaa", NoMatch, "x{n} exactly n x" },
        { @"^a{2,}$", "aaaa", Match, "x{n,} n or more x, prefer more" },
        { @"^a{1,2}?$", "aa", Match, "x{n,m}? n or n+1 or ... or m x, prefer fewer" },
        { @"^a*?$", "aaa", Match, "x*? zero or more x, prefer fewer" },
        { @"(?U)^a+$", "aaa", Match, "U ungreedy: swap meaning of x* and x*?, x+ and x+?, etc" },
        { "^a{1000}$", new string('a', 1000), Match, "reject forms that create a minimum or maximum repetition count above 1000" },
        { "a{1001}", "a", Rejected, "reject forms that create a minimum or maximum repetition count above 1000" },
        { "a{2,1001}", "a", Rejected, "reject forms that create a minimum or maximum repetition count above 1000" },
        { "(a{10}){101}", "a", Rejected, "parse.go: the product of all nested repetition counts must also not exceed this limit" },
        { "^(a{10}){100}$", new string('a', 1000), Match, "parse.go: the product of nested repetition counts may be 1000" },
        { "a{2,1}", "a", Rejected, "parse.go: max is present and min > max" },
        { "a**", "a", Rejected, "parse.go: a** is a syntax error, not a doubled star" },
        { "a*+", "a", Rejected, "parse.go: a++ means something else entirely, which we don't support" },
        { "a*??", "a", Rejected, "parse.go: repetition operators can't be stacked" },
        { "a{2}{3}", "a", Rejected, "parse.go: repetition operators can't be stacked" },
        { "*a", "a", Rejected, "parse.go: missing argument to repetition operator" },
        { "(*)", "a", Rejected, "parse.go: missing argument to repetition operator" },
        { "a|*", "a", Rejected, "parse.go: missing argument to repetition operator" },
        { @"^a{,2}$", "a{,2}", Match, "parse.go: if the repeat cannot be parsed, { is a literal" },
        { @"^a{01}$", "a{01}", Match, "parse.go: parseInt disallows leading zeros, so { is a literal" },
        { @"^a{01}$", "a", NoMatch, "parse.go: parseInt disallows leading zeros, so { is a literal" },
        { @"^a{$", "a{", Match, "parse.go: if the repeat cannot be parsed, { is a literal" },

        // Grouping and flags.
        { @"^(?P<name>a)$", "a", Match, "(?P<name>re) named & numbered capturing group (submatch)" },
        { @"^(?<name>a)$", "a", Match, "(?<name>re) named & numbered capturing group (submatch)" },
        { @"(?P<>a)", "a", Rejected, "parse.go: a capture name is [A-Za-z0-9_]+" },
        { @"(?P<na-me>a)", "a", Rejected, "parse.go: a capture name is [A-Za-z0-9_]+" },
        { @"(?'n'a)", "a", Rejected, "Grouping: (?'name'...) is not listed" },
        { @"(?P=n)", "a", Rejected, "Grouping: (?P=name) is not listed" },
        { @"(?=a)", "a", Rejected, "Grouping: lookahead is not listed" },
        { @"(?!a)", "a", Rejected, "Grouping: lookahead is not listed" },
        { @"(?<=a)b", "ab", Rejected, "Grouping: lookbehind is not listed" },
        { @"(?<!a)b", "b", Rejected, "Grouping: lookbehind is not listed" },
        { @"(?>a)", "a", Rejected, "Grouping: atomic groups are not listed" },
        { @"(?#c)a", "a", Rejected, "Grouping: comments are not listed" },
        { @"(?x)a", "a", Rejected, "The flags are: i m s U" },
        { @"(?-)a", "a", Rejected, "Flag syntax is xyz (set) or -xyz (clear) or xy-z (set xy, clear z)" },
        { @"(?i-)a", "a", Rejected, "Flag syntax is xyz (set) or -xyz (clear) or xy-z (set xy, clear z)" },
        { @"(?i", "a", Rejected, "parse.go: missing closing )" },
        { @"(a", "a", Rejected, "parse.go: missing closing )" },
        { @"a)", "a", Rejected, "parse.go: unexpected )" },
        { @"^(?:a|b)+$", "abba", Match, "(?:re) non-capturing group" },
        { @"^(a|)$", "", Match, "x|y x or y (prefer x); an empty alternative matches the empty string" },
        { @"(?:r+|)+", "_", Match, "x+ one or more x; x|y: x may match the empty string (.NET 10 alone gets this wrong)" },
        { @"(?:(?:rs)+|){2}", "_", Match, "x{n} exactly n x; x|y: x may match the empty string (.NET 10 alone gets this wrong)" },
        { @"^(?:.|[\x00-/]|[\x00-@])$", "-", Match, "x|y x or y, of single characters (.NET 10 alone gets this wrong)" },
        { @"(?i)^ABC$", "abc", Match, "i case-insensitive (default false)" },
        { @"(?i:a)b", "AB", NoMatch, "(?flags:re) set flags during re; non-capturing" },
        { @"(?i:a)b", "Ab", Match, "(?flags:re) set flags during re; non-capturing" },
        { @"(?i)a(?-i)b", "AB", NoMatch, "-xyz (clear)" },
        { @"(?i)a(?-i:b)c", "AbC", Match, "-xyz (clear) during re" },
        { @"(a(?i)b)c", "aBC", NoMatch, "(?flags) set flags within current group; non-capturing" },
        { @"(?i)^k$", "\u212a", Match, "i case-insensitive: Go folds with Unicode simple folding (parse.go: Kelvin K, folds to K/k)" },
        { @"(?i)^S$", "\u017f", Match, "i case-insensitive: Go folds with Unicode simple folding (parse.go: long s, folds to S/s)" },
        { @"(?i)^\x{212a}$", "k", Match, "i case-insensitive: Unicode simple folding" },
        { @"^k$", "\u212a", NoMatch, "i case-insensitive (default false)" },
        { @"(?i)^[^k]$", "\u212a", NoMatch, "parse.go: a class is case-folded before it is negated" },
        { @"(?i)^\W$", "\u017f", NoMatch, "parse.go appendGroup: \\W under (?i) is the negation of the folded \\w" },
        { @"(?i)^[a-c]+$", "ABC", Match, "i case-insensitive, in a class range" },

        // Character classes.
        { @"^[]a]$", "]", Match, "parse.go: ] is okay as the first character of a class" },
        { @"^[^]a]$", "]", NoMatch, "parse.go: ] is okay as the first character of a negated class" },
        { @"^[^]a]$", "b", Match, "parse.go: ] is okay as the first character of a negated class" },
        { @"^[a-]$", "-", Match, "parse.go: [a-] means (a|-)" },
        { @"^[-a]$", "-", Match, "parse.go: Perl: - is okay anywhere" },
        { @"^[a-c-e]$", "-", Match, "parse.go: Perl: - is okay anywhere" },
        { @"^[a-z-[aeiou]]$", "b", NoMatch, "no class subtraction in Go: [a-z-[aeiou] is a class, then a literal ]" },
        { @"^[a-z-[aeiou]]$", "b]", Match, "no class subtraction in Go: [a-z-[aeiou] is a class, then a literal ]" },
        { @"^[a-z-[aeiou]]$", "[]", Match, "no class subtraction in Go: [a-z-[aeiou] is a class, then a literal ]" },
        { @"^[\d-z]$", "-", Match, "parse.go: after a Perl class, - is a literal" },
        { @"[a-\d]", "a", Rejected, "parse.go: a range ends in a single character; \\d there is an invalid escape" },
        { @"[z-a]", "a", Rejected, "A-Z character range (inclusive): parse.go rejects hi < lo" },
        { @"[]", "a", Rejected, "parse.go: missing closing ]" },
        { @"[^]", "a", Rejected, "parse.go: missing closing ]" },
        { @"[a", "a", Rejected, "parse.go: missing closing ]" },
        { @"[\b]", "\b", Rejected, "parse.go: /[\\b]/ means backspace in Perl; we don't support that" },
        { @"[\A]", "A", Rejected, "parse.go: \\A is no escape inside a class" },
        { @"^[\x00-\x{10FFFF}]$", "a", Match, "\\x{10FFFF} hex character code, in a class range" },
        { @"[^\x00-\x{10FFFF}]", "a", NoMatch, "a class that matches nothing is valid" },
        { @"^[\n]$", "\n", Match, "Character class elements: escapes are allowed" },
        { @"^[.]$", "a", NoMatch, "Character class elements: x single character" },
        { @"^\.$", "a", NoMatch, "\\* literal *, for any punctuation character *" },
        { "^\u00e9$", "\u00e9", Match, "x single character (any Unicode character)" },
    };

    public static TheoryData<string, string> StricterThanGo => new()
    {
        // Go's Unicode tables (categories, scripts) are not .NET's: ImageTrust refuses rather than guess.
        { @"^\pL$", "\\pN Unicode character class (one-letter name)" },
        { @"^\p{Greek}$", "\\p{Greek} Unicode character class" },
        { @"^\PN$", "\\PN negated Unicode character class (one-letter name)" },
        { @"^\P{Greek}$", "\\P{Greek} negated Unicode character class" },
        { @"^[\p{L}]$", "[\\p{Name}] named Unicode property inside character class" },

        // Go folds every Unicode letter under (?i); ImageTrust knows the exact folds of ASCII letters only.
        { "(?i)^\u00e9$", "i case-insensitive: Unicode simple folding" },
        { "(?i)^[\u00e0-\u00ff]$", "i case-insensitive: Unicode simple folding, in a class" },

        // Go's limit is a program of about 3.3 million instructions; .NET's linear-time engine stops at about 10,000 nodes.
        { string.Concat(Enumerable.Repeat("[a-z]{1000}", 11)), "reject forms that create a minimum or maximum repetition count above 1000 (each is 1000)" },
        { new string('a', GoRegexp.MaxPatternLength + 1), "no length limit in Go" },
        { string.Concat(Enumerable.Repeat("(", GoRegexp.MaxNesting + 1)) + string.Concat(Enumerable.Repeat(")", GoRegexp.MaxNesting + 1)), "Go's limit is a parse tree 1000 deep" },
    };

    [Theory]
    [MemberData(nameof(GoBehaviours))]
    public void Regexp_GoSyntax_BehavesAsGoDocuments(string pattern, string input, string expected, string source)
    {
        Assert.NotEmpty(source);
        if (expected == Rejected)
        {
            var error = Assert.Throws<FormatException>(() => StringMatcher.Regexp(pattern));
            Assert.Contains("not valid in Go's regexp syntax", error.Message, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(expected == Match, StringMatcher.Regexp(pattern).IsMatch(input));
    }

    [Theory]
    [MemberData(nameof(StricterThanGo))]
    public void Regexp_ConstructImageTrustRefuses_RejectedWithReason(string pattern, string source)
    {
        Assert.NotEmpty(source);

        var error = Assert.Throws<FormatException>(() => StringMatcher.Regexp(pattern));

        Assert.Contains("is refused: ImageTrust", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not valid in Go's regexp syntax", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"^.$", "\U0001F600")]
    [InlineData(@"^..$", "\U0001F600")]
    [InlineData(@"^[^a]+$", "x\U0001F600")]
    [InlineData(@"\x{1F600}", "\U0001F600")]
    public void IsMatch_ValueOutsideTheBasicMultilingualPlane_NeverMatches(string pattern, string input)
    {
        // Go matches code points, .NET UTF-16 units; ImageTrust fails closed rather than emulate (README).
        Assert.False(StringMatcher.Regexp(pattern).IsMatch(input));
    }

    [Fact]
    public void IsMatch_ValueWithLoneSurrogate_NeverMatches()
    {
        // Built here: a lone surrogate does not survive xUnit's serialisation of theory data.
        var value = "a" + '\uD800';

        Assert.False(StringMatcher.Regexp("a").IsMatch(value));
        Assert.True(StringMatcher.Regexp("a").IsMatch("a"));
    }

    [Theory]
    [InlineData(@"\bx", "\u00e9x", "-x")]
    [InlineData(@"^.\B.$", "\u00e9\u00e9", "--")]
    [InlineData(@"\bfoo\b", "caf\u00e9 foo", "cafe foo")]
    public void IsMatch_WordBoundaryAndNonAsciiValue_NeverMatches(string pattern, string nonAscii, string ascii)
    {
        // Go's \b is an ASCII boundary, .NET's a Unicode one; they agree on ASCII values only, so ImageTrust fails closed
        // (Go matches both values of each row).
        var matcher = StringMatcher.Regexp(pattern);

        Assert.False(matcher.IsMatch(nonAscii));
        Assert.True(matcher.IsMatch(ascii));
    }
}
