using System.Net;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Registry;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>
/// Issue 10, items 6–8, at the client: redirects are followed by the client's own rules (https, or http between plain-HTTP
/// registries; five hops; no credentials carried), token realms stay on HTTPS and tokens are asked for pull only. The
/// registries are played in memory so HTTPS hosts can be named without certificates.
/// </summary>
public sealed class RegistryRedirectTests
{
    private const string Registry = "registry.test";
    private const string PlainRegistry = "plain.test:5000";
    private const string OtherPlainHost = "other-plain.test:5001";

    private static readonly byte[] Blob = Encoding.UTF8.GetBytes("the payload");
    private static readonly Digest BlobDigest = Digest.Sha256Of(Blob);
    private static readonly byte[] ManifestBytes = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}");

    [Fact]
    public async Task GetBlobAsync_HttpsRedirectToHttpsStorage_FollowedWithoutTheRegistryCredentials()
    {
        var handler = new ScriptedHttpHandler(request => request.RequestUri!.Host switch
        {
            Registry => request.Headers.Authorization is null
                ? Challenge("Basic realm=\"registry\"")
                : ScriptedHttpHandler.Redirect("https://storage.test/blob?signature=abc", HttpStatusCode.TemporaryRedirect),
            _ => ScriptedHttpHandler.Content(Blob),
        });
        var client = Client(handler, new FixedCredentialSource(new RegistryCredential("robot", "secret")));

        var blob = await client.GetBlobAsync(ImageReference.Parse($"{Registry}/team/app"), BlobDigest, 1024);

        Assert.Equal(Blob, blob);
        var requests = handler.Requests;
        Assert.Equal(3, requests.Count);
        Assert.StartsWith("Basic ", requests[1].Authorization, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://storage.test/blob?signature=abc"), requests[2].Uri);
        Assert.Null(requests[2].Authorization);
    }

    [Theory]
    [InlineData("https://" + Registry, "http://" + PlainRegistry + "/blob")]
    [InlineData("https://" + Registry, "http://storage.test/blob")]
    [InlineData("http://" + PlainRegistry, "http://unlisted.test/blob")]
    [InlineData("http://" + PlainRegistry, "ftp://" + PlainRegistry + "/blob")]
    [InlineData("https://" + Registry, "gopher://storage.test:70/_blob")]
    [InlineData("https://" + Registry, "file:///etc/passwd")]
    [InlineData("https://" + Registry, "https://user:password@storage.test/blob")]
    public async Task GetBlobAsync_RedirectTheRulesRefuse_BadRedirectWithoutFollowing(string registryUrl, string target)
    {
        var registry = new Uri(registryUrl).Authority;
        var handler = new ScriptedHttpHandler(request => request.RequestUri!.Authority == registry ? ScriptedHttpHandler.Redirect(target) : ScriptedHttpHandler.Content(Blob));

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => Client(handler).GetBlobAsync(ImageReference.Parse($"{registry}/team/app"), BlobDigest, 1024));

        Assert.Equal("BAD_REDIRECT", error.ReasonCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_PlainRegistryRedirectsToListedPlainHost_FollowedWithTheSameAccept()
    {
        var handler = new ScriptedHttpHandler(request => request.RequestUri!.Authority == PlainRegistry
            ? ScriptedHttpHandler.Redirect($"http://{OtherPlainHost}/mirror/manifest")
            : ScriptedHttpHandler.Content(ManifestBytes, OciMediaTypes.OciManifest));

        var manifest = await Client(handler).GetManifestAsync(ImageReference.Parse($"{PlainRegistry}/team/app@{Digest.Sha256Of(ManifestBytes)}"));

        Assert.Equal(Digest.Sha256Of(ManifestBytes), manifest.Digest);
        var requests = handler.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(new Uri($"http://{OtherPlainHost}/mirror/manifest"), requests[1].Uri);
        Assert.Contains(OciMediaTypes.OciIndex, requests[1].Accept, StringComparison.Ordinal);
        Assert.Equal(requests[0].Accept, requests[1].Accept);
    }

    [Fact]
    public async Task GetBlobAsync_RelativeLocation_ResolvedAgainstTheRegistry()
    {
        var handler = new ScriptedHttpHandler(request => request.RequestUri!.AbsolutePath.StartsWith("/v2/", StringComparison.Ordinal)
            ? ScriptedHttpHandler.Redirect("/storage/blob")
            : ScriptedHttpHandler.Content(Blob));

        await Client(handler).GetBlobAsync(ImageReference.Parse($"{Registry}/team/app"), BlobDigest, 1024);

        Assert.Equal(new Uri($"https://{Registry}/storage/blob"), handler.Requests[1].Uri);
    }

    [Fact]
    public async Task GetBlobAsync_SixRedirects_BadRedirectAfterFiveHops()
    {
        var hops = 0;
        var handler = new ScriptedHttpHandler(_ => ScriptedHttpHandler.Redirect($"https://{Registry}/hop/{Interlocked.Increment(ref hops)}"));

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => Client(handler).GetBlobAsync(ImageReference.Parse($"{Registry}/team/app"), BlobDigest, 1024));

        Assert.Equal("BAD_REDIRECT", error.ReasonCode);
        Assert.Contains($"more than {RegistryRequestSender.MaxRedirects} redirects", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + RegistryRequestSender.MaxRedirects, handler.Requests.Count);
    }

    [Fact]
    public async Task GetBlobAsync_HttpClientThatFollowsRedirectsItself_BadRedirect()
    {
        // What HttpClient's own redirect handler does: the request object comes back pointing elsewhere.
        var handler = new ScriptedHttpHandler(request =>
        {
            request.RequestUri = new Uri("http://elsewhere.test/blob");
            return ScriptedHttpHandler.Content(Blob);
        });

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => Client(handler).GetBlobAsync(ImageReference.Parse($"{Registry}/team/app"), BlobDigest, 1024));

        Assert.Equal("BAD_REDIRECT", error.ReasonCode);
        Assert.Contains("on its own", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateHandler_ProductionHandler_DoesNotFollowRedirects()
    {
        using var handler = RegistryHttp.CreateHandler();

        Assert.False(handler.AllowAutoRedirect);
    }

    [Fact]
    public async Task GetManifestAsync_HttpsRegistryWithPlainHttpRealmOnListedHost_InsecureTokenRealm()
    {
        var handler = new ScriptedHttpHandler(request => request.RequestUri!.Authority == Registry
            ? Challenge($"Bearer realm=\"http://{PlainRegistry}/token\",service=\"registry\"")
            : ScriptedHttpHandler.Content("{\"token\":\"t\"}"u8.ToArray(), "application/json"));

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(
            () => Client(handler, new FixedCredentialSource(new RegistryCredential("robot", "secret"))).GetManifestAsync(ImageReference.Parse($"{Registry}/team/app:1")));

        Assert.Equal("INSECURE_TOKEN_REALM", error.ReasonCode);
        Assert.DoesNotContain(handler.Requests, request => request.Uri.Authority == PlainRegistry);
    }

    [Fact]
    public async Task GetManifestAsync_TokenRealmOnAnotherHttpsHost_GetsTheCredentialsAsDockerSendsThemAndIsLogged()
    {
        var handler = new ScriptedHttpHandler(request => request.RequestUri!.Host switch
        {
            "auth.test" => ScriptedHttpHandler.Content("{\"token\":\"t\"}"u8.ToArray(), "application/json"),
            _ when request.Headers.Authorization?.ToString() == "Bearer t" => ScriptedHttpHandler.Content(ManifestBytes, OciMediaTypes.OciManifest),
            _ => Challenge("Bearer realm=\"https://auth.test/token\",service=\"registry\",scope=\"repository:team/app:pull,push\""),
        });
        var logger = new RecordingLogger<DistributionRegistryClient>();
        var client = new DistributionRegistryClient(
            new HttpClient(handler), Options(), new FixedCredentialSource(new RegistryCredential("robot", "secret")), TimeProvider.System, logger);

        await client.GetManifestAsync(ImageReference.Parse($"{Registry}/team/app:1"));

        var token = handler.Requests.Single(request => request.Uri.Host == "auth.test");
        Assert.Equal("https://auth.test/token?service=registry&scope=repository%3Ateam%2Fapp%3Apull", token.Uri.AbsoluteUri);
        Assert.StartsWith("Basic ", token.Authorization, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Debug && entry.Message.Contains("realm host auth.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetManifestAsync_Sha512DockerContentDigestByTag_CheckedAndTheSha256DigestReturned()
    {
        var handler = new ScriptedHttpHandler(_ =>
        {
            var response = ScriptedHttpHandler.Content(ManifestBytes, OciMediaTypes.OciManifest);
            response.Headers.Add("Docker-Content-Digest", "sha512:" + Convert.ToHexStringLower(SHA512.HashData(ManifestBytes)));
            return response;
        });

        var manifest = await Client(handler).GetManifestAsync(ImageReference.Parse($"{Registry}/team/app:1"));

        Assert.Equal(Digest.Sha256Of(ManifestBytes), manifest.Digest);
    }

    private static HttpResponseMessage Challenge(string header)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return response;
    }

    private static RegistryClientOptions Options() => new()
    {
        HttpRegistries = RegistryClientOptions.ParseHttpRegistries($"{PlainRegistry},{OtherPlainHost}"),
        Retry = new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(2) },
    };

    private static DistributionRegistryClient Client(ScriptedHttpHandler handler, RegistryCredentialSource? credentials = null)
        => new(new HttpClient(handler), Options(), credentials ?? RegistryCredentialSource.Anonymous, TimeProvider.System);
}
