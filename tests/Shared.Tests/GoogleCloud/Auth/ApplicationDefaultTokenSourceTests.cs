using Google.Apis.Auth.OAuth2;
using ImageTrust.GoogleCloud.Auth;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.GoogleCloud.Auth;

public sealed class ApplicationDefaultTokenSourceTests
{
    [Fact]
    public async Task GetAccessTokenAsync_NoCredentials_ThrowsConfigurationExceptionSayingWhatToDo()
    {
        var source = new ApplicationDefaultTokenSource(_ => throw new InvalidOperationException("The Application Default Credentials are not available."));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => source.GetAccessTokenAsync());

        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_AfterAFailedLoad_LoadsAgain()
    {
        var loads = 0;
        var source = new ApplicationDefaultTokenSource(_ => ++loads == 1
            ? throw new InvalidOperationException("metadata server not reachable yet")
            : Task.FromResult(GoogleCredential.FromAccessToken("ya29.second")));

        await Assert.ThrowsAsync<ConfigurationException>(() => source.GetAccessTokenAsync());
        var token = await source.GetAccessTokenAsync();

        Assert.Equal("ya29.second", token);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ManyCallers_LoadOnce()
    {
        var loads = 0;
        var source = new ApplicationDefaultTokenSource(async _ =>
        {
            Interlocked.Increment(ref loads);
            await Task.Delay(20);
            return GoogleCredential.FromAccessToken("ya29.only");
        });

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => source.GetAccessTokenAsync()));

        Assert.All(tokens, token => Assert.Equal("ya29.only", token));
        Assert.Equal(1, loads);
    }
}
