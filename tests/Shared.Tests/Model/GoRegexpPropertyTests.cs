using CsCheck;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

/// <summary>Random patterns of a safe grammar agree with an independent backtracking oracle of Go's semantics.</summary>
public sealed class GoRegexpPropertyTests
{
    [Fact]
    public void IsMatch_RandomPatternAndValues_AgreesWithGoOracle()
    {
        Gen.Select(GoRegexpOracleGen.Pattern(3), GoRegexpOracleGen.Value.Array[8]).Sample((pattern, values) =>
        {
            var text = pattern.Print();
            if (pattern.FoldsNonAscii(foldCase: false))
            {
                var error = Assert.Throws<FormatException>(() => StringMatcher.Regexp(text));
                Assert.Contains("ImageTrust", error.Message, StringComparison.Ordinal);
                return;
            }

            var matcher = StringMatcher.Regexp(text);
            foreach (var value in values)
            {
                // The one documented difference: a pattern with \b or \B never matches a value with a non-ASCII character.
                var expected = pattern.IsMatch(value) && !(pattern.HasWordBoundary && value.Any(c => c > 0x7F));
                Assert.True(expected == matcher.IsMatch(value), $"pattern {text} value '{value.Replace("\n", "\\n", StringComparison.Ordinal)}': Go {expected}");
            }
        }, iter: 3000);
    }

    [Fact]
    public void Oracle_DocumentedExamples_AsGoDocuments()
    {
        // The oracle itself is checked against a few rows of the Go documentation before it judges the translator.
        var dollar = new GoRegexpOracle.Concatenation([new GoRegexpOracle.Literal('a'), new GoRegexpOracle.Assertion("$")]);
        Assert.True(dollar.IsMatch("ba"));
        Assert.False(dollar.IsMatch("a\n"));
        var kelvin = new GoRegexpOracle.Group("(?i:", new GoRegexpOracle.Literal('k'), true, null, null);
        Assert.True(kelvin.IsMatch("\u212A"));
        var notWord = new GoRegexpOracle.Group("(?i:", new GoRegexpOracle.PerlClass('W'), true, null, null);
        Assert.False(notWord.IsMatch("\u017F"));
        Assert.Equal(@"(?i:\W)", notWord.Print());
        var boundary = new GoRegexpOracle.Concatenation([new GoRegexpOracle.Assertion(@"\b"), new GoRegexpOracle.Literal('a')]);
        Assert.True(boundary.IsMatch("-a"));
        Assert.False(boundary.IsMatch("ba"));
    }
}
