using System.Text;
using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>The rejections that need no network; a valid token needs Google's live certificates and is not tested here.</summary>
public sealed class GooglePushTokenValidatorTests
{
    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("")]
    public async Task IsValidAsync_Malformed_False(string token)
    {
        var validator = new GooglePushTokenValidator("https://pushverifier.example", serviceAccount: null);

        Assert.False(await validator.IsValidAsync(token));
    }

    [Fact]
    public async Task IsValidAsync_UnsignedAlgNone_False()
    {
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url("""{"iss":"https://accounts.google.com","aud":"https://pushverifier.example","exp":4102444800,"iat":1700000000,"email":"push@p.iam.gserviceaccount.com","email_verified":true}""");
        var validator = new GooglePushTokenValidator("https://pushverifier.example", "push@p.iam.gserviceaccount.com");

        Assert.False(await validator.IsValidAsync($"{header}.{payload}."));
    }

    [Fact]
    public void Constructor_EmptyAudience_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GooglePushTokenValidator(" ", null));
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
