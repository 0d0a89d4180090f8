using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>
/// The token scopes asked for: a verifier only reads, so whatever a challenge's <c>scope</c> asks (distribution's token
/// scope grammar <c>type:name:action[,action…]</c>, space-separated), the token service is asked for <c>pull</c> at most.
/// </summary>
public sealed class RegistryAuthenticatorTests
{
    private const string Own = "repository:team/app:pull";

    [Theory]
    [InlineData(null, Own)]
    [InlineData("", Own)]
    [InlineData("repository:team/app:pull", "repository:team/app:pull")]
    [InlineData("repository:team/app:push,pull", "repository:team/app:pull")]
    [InlineData("repository:team/app:pull,push,delete", "repository:team/app:pull")]
    [InlineData("repository:team/app:*", "repository:team/app:pull")]
    [InlineData("repository:team/app:push", Own)]
    [InlineData("repository:team/app:delete registry:catalog:*", Own)]
    [InlineData("registry:catalog:*", Own)]
    [InlineData("repository(plugin):team/app:pull", Own)]
    [InlineData("repository:library/alpine:pull repository:team/app:push,pull", "repository:library/alpine:pull repository:team/app:pull")]
    [InlineData("repository:localhost:5000/team/app:pull,push", "repository:localhost:5000/team/app:pull")]
    [InlineData("repository:team/app:pull repository:team/app:pull,push", "repository:team/app:pull")]
    [InlineData("pull", Own)]
    [InlineData("repository::pull", Own)]
    public void PullOnly_ChallengeScope_NeverMoreThanPull(string? challengeScope, string expected)
    {
        Assert.Equal(expected, RegistryAuthenticator.PullOnly(challengeScope, Own));
    }
}
