using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

public sealed class StringMatcherTests
{
    [Theory]
    [InlineData("^https://github.com/acme/.+@refs/heads/main$", "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main", true)]
    [InlineData("^https://github.com/acme/.+@refs/heads/main$", "https://github.com/evil/app@refs/heads/main", false)]
    [InlineData("acme", "https://github.com/acme/x", true)]
    [InlineData("(?i)^https://ACCOUNTS\\.example\\.com$", "https://accounts.example.com", true)]
    [InlineData("^a{2,3}$", "aaaa", false)]
    public void IsMatch_BackgroundAndEagerBuilds_MatchAsTheLinearTimeEngine(string pattern, string value, bool expected)
    {
        var matcher = StringMatcher.Regexp(pattern);

        Assert.Equal(expected, matcher.IsMatch(value));
        Assert.Equal(pattern, matcher.Pattern);
    }

    [Theory]
    [InlineData("(unclosed")]
    [InlineData("a{2,1}")]
    [InlineData("[z-a]")]
    public void Regexp_InvalidSyntax_ThrowsFormatException(string pattern)
    {
        Assert.Throws<FormatException>(() => StringMatcher.Regexp(pattern));
    }

    [Theory]
    [InlineData("^(?=admin).*$")]
    [InlineData("^(?!admin).*$")]
    [InlineData("(?<=x)y")]
    [InlineData("(?>a+)b")]
    [InlineData("(a)\\1")]
    [InlineData("(?<n>a)\\k<n>")]
    [InlineData("\\Ga")]
    [InlineData("(?(a)b|c)")]
    public void Regexp_ConstructTheLinearTimeEngineRefuses_ThrowsFormatExceptionAtOnce(string pattern)
    {
        Assert.Throws<FormatException>(() => StringMatcher.Regexp(pattern));
    }

    [Fact]
    public void Equals_SamePattern_EqualAndSameHash()
    {
        var a = StringMatcher.Regexp("^x$");
        var b = StringMatcher.Regexp("^x$");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, StringMatcher.ExactValue("^x$"));
    }
}
