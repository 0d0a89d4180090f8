using CsCheck;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Policy;

public sealed class RepositoryGlobTests
{
    [Theory]
    [InlineData("europe-docker.pkg.dev/p/repo/**", "europe-docker.pkg.dev/p/repo/app", true)]
    [InlineData("europe-docker.pkg.dev/p/repo/**", "europe-docker.pkg.dev/p/repo/team/app", true)]
    [InlineData("europe-docker.pkg.dev/p/repo/**", "europe-docker.pkg.dev/p/repository/app", false)]
    [InlineData("europe-docker.pkg.dev/p/repo/**", "europe-docker.pkg.dev/p/other/app", false)]
    [InlineData("europe-docker.pkg.dev/p/repo/*", "europe-docker.pkg.dev/p/repo/app", true)]
    [InlineData("europe-docker.pkg.dev/p/repo/*", "europe-docker.pkg.dev/p/repo/team/app", false)]
    [InlineData("*-docker.pkg.dev/p/**", "us-docker.pkg.dev/p/r/a", true)]
    [InlineData("*-docker.pkg.dev/p/**", "us-docker.pkg.dev/q/r/a", false)]
    [InlineData("127.0.0.1:5000/app", "127.0.0.1:5000/app", true)]
    [InlineData("127.0.0.1:5000/app", "127.0.0.1:5000/app2", false)]
    [InlineData("127.0.0.1:5000/app", "127.0.0.1:5000/app/x", false)]
    [InlineData("a.b/c", "aXb/c", false)]
    [InlineData("**", "docker.io/library/nginx", true)]
    [InlineData("a.io/**/app", "a.io/x/y/app", true)]
    [InlineData("a.io/**/app", "a.io/x/y/apps", false)]
    [InlineData("a.io/*/app", "a.io/x/y/app", false)]
    [InlineData("a.io/a*b*c", "a.io/abbbc", true)]
    [InlineData("a.io/a*b*c", "a.io/ab/bc", false)]
    [InlineData("a.io/app*", "a.io/app", true)]
    public void Matches_Glob_AsDocumented(string glob, string repository, bool expected)
    {
        Assert.Equal(expected, RepositoryGlob.Parse(glob).Matches(repository));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a.io/$x")]
    [InlineData("a.io/[ab]")]
    [InlineData("a.io/(x|y)")]
    [InlineData("a.io/x?")]
    public void Parse_Invalid_ThrowsFormatException(string glob)
    {
        Assert.Throws<FormatException>(() => RepositoryGlob.Parse(glob));
    }

    [Fact]
    public void Parse_ArbitraryText_ParsesOrThrowsFormatException()
    {
        Gen.String.Sample(text =>
        {
            try
            {
                var glob = RepositoryGlob.Parse(text);
                Assert.Equal(text, glob.Pattern);
            }
            catch (FormatException)
            {
                // Refused, as it should be for anything outside the glob alphabet.
            }
        }, iter: 2000);
    }

    [Fact]
    public void Matches_LiteralGlob_OnlyItself()
    {
        var segment = Gen.String[Gen.Char["abc09.-_"], 1, 10];
        Gen.Select(segment, segment).Sample((a, b) =>
        {
            var glob = RepositoryGlob.Parse($"r.io/{a}");
            Assert.Equal(a == b, glob.Matches($"r.io/{b}"));
        }, iter: 1000);
    }
}
