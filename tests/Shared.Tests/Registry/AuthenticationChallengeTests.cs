using CsCheck;
using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Registry;

public sealed class AuthenticationChallengeTests
{
    [Fact]
    public void ParseAll_DistributionBearerChallenge_ReadsRealmServiceScope()
    {
        var challenges = AuthenticationChallenge.ParseAll(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\"");

        var challenge = Assert.Single(challenges);
        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:library/alpine:pull", challenge.Scope);
    }

    [Fact]
    public void ParseAll_UnquotedValuesSpacesAndCase_Accepted()
    {
        var challenge = Assert.Single(AuthenticationChallenge.ParseAll("bearer  Realm = https://r.example/token , SERVICE=svc"));

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://r.example/token", challenge.Realm);
        Assert.Equal("svc", challenge.Service);
        Assert.Null(challenge.Scope);
    }

    [Fact]
    public void ParseAll_TwoChallenges_ReturnsBoth()
    {
        var challenges = AuthenticationChallenge.ParseAll("Basic realm=\"a\", Bearer realm=\"https://b/token\",scope=\"repository:x:pull,push\"");

        Assert.Equal(2, challenges.Count);
        Assert.True(challenges[0].IsBasic);
        Assert.Equal("a", challenges[0].Realm);
        Assert.True(challenges[1].IsBearer);
        Assert.Equal("repository:x:pull,push", challenges[1].Scope);
    }

    [Fact]
    public void ParseAll_EscapedQuote_Unescaped()
    {
        var challenge = Assert.Single(AuthenticationChallenge.ParseAll("Basic realm=\"say \\\"hi\\\"\""));

        Assert.Equal("say \"hi\"", challenge.Realm);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(",,,")]
    [InlineData("=\"\"")]
    public void ParseAll_NoChallenge_ReturnsEmpty(string? header)
    {
        Assert.Empty(AuthenticationChallenge.ParseAll(header));
    }

    [Fact]
    public void ParseAll_UnterminatedQuote_KeepsWhatWasParsedWithoutTheBrokenValue()
    {
        var challenge = Assert.Single(AuthenticationChallenge.ParseAll("Bearer service=\"s\",realm=\"https://never-closed"));

        Assert.Equal("s", challenge.Service);
        Assert.Null(challenge.Realm);
    }

    [Fact]
    public void ParseAll_ArbitraryText_NeverThrowsAndBoundsItsOutput()
    {
        var headerChars = Gen.Char[" \t,=\"\\abcBearerBasicrealmscope:/.-_"];
        var generator = Gen.OneOf(Gen.String, headerChars.Array[0, 200].Select(chars => new string(chars)));
        generator.Sample(
            header =>
            {
                var challenges = AuthenticationChallenge.ParseAll(header);
                Assert.True(challenges.Count <= 16);
                foreach (var challenge in challenges)
                {
                    Assert.False(string.IsNullOrEmpty(challenge.Scheme));
                    Assert.True(challenge.Parameters.Values.All(value => value.Length <= header.Length));
                }
            },
            iter: 20_000);
    }
}
