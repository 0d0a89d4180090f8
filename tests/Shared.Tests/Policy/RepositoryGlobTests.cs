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

    [Theory]
    [InlineData("REGISTRY.example:5000/p/**", "registry.example:5000/p/app")]
    [InlineData("registry.example:05000/p/**", "registry.example:5000/p/app")]
    [InlineData("registry.example:443/p/**", "registry.example/p/app")]
    [InlineData("index.docker.io/library/**", "docker.io/library/nginx")]
    [InlineData("registry-1.docker.io/library/nginx", "docker.io/library/nginx")]
    [InlineData("DOCKER.IO/nginx", "docker.io/library/nginx")]
    [InlineData("docker.io/ng*", "docker.io/library/nginx")]
    [InlineData("docker.io/**", "docker.io/user/app")]
    [InlineData("nginx", "docker.io/library/nginx")]
    [InlineData("user/app", "docker.io/user/app")]
    [InlineData("user/**", "docker.io/user/team/app")]
    [InlineData("[0:0::1]:5000/**", "[::1]:5000/app")]
    [InlineData("*.PKG.dev/p/**", "europe-docker.pkg.dev/p/app")]
    [InlineData("registry.example:*/p/**", "registry.example:5000/p/app")]
    [InlineData("registry.example:*/p/**", "registry.example/p/app")]
    [InlineData("*/**", "docker.io/library/nginx")]
    public void Matches_NonCanonicalGlob_MatchesCanonicalRepository(string glob, string repository)
    {
        Assert.True(RepositoryGlob.Parse(glob).Matches(repository));
    }

    [Theory]
    [InlineData("registry.example:5000/p/**", "registry.example/p/app")]
    [InlineData("registry.example/p/**", "registry.example:5000/p/app")]
    [InlineData("docker.io/ng*", "docker.io/nginx")]
    [InlineData("*.pkg.dev/p/**", "europe-docker.pkg.dev:5000/p/app")]
    [InlineData("user/app", "user/app")]
    public void Matches_CanonicalGlob_OtherRegistryOrPort_DoesNotMatch(string glob, string repository)
    {
        Assert.False(RepositoryGlob.Parse(glob).Matches(repository));
    }

    [Theory]
    [InlineData("registry.example:0/p/**")]
    [InlineData("registry.example:65536/p/**")]
    [InlineData("registry.example:5*/p/**")]
    [InlineData("registry.example:**/p/**")]
    [InlineData("127.0.0.01:5000/**")]
    [InlineData("127.1/**")]
    [InlineData("[::1::2]/**")]
    [InlineData("[::*]/**")]
    [InlineData("a.io/App/**")]
    [InlineData("a.io/")]
    [InlineData("a.io/p[1]")]
    [InlineData("docker.io/ng**")]
    [InlineData("ng*")]
    [InlineData("my_registry.io/**")]
    public void Parse_GlobNamingNoCanonicalRepository_ThrowsFormatException(string glob)
    {
        Assert.Throws<FormatException>(() => RepositoryGlob.Parse(glob));
    }

    [Fact]
    public void Parse_NonCanonicalGlob_KeepsPatternAsWritten()
    {
        Assert.Equal("REGISTRY.example:05000/p/**", RepositoryGlob.Parse("REGISTRY.example:05000/p/**").Pattern);
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
