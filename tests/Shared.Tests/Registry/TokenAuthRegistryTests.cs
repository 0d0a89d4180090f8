using System.Text;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>
/// The Bearer challenge flow against a real docker-registry configured with distribution's token auth, and the round-trip
/// budget of a classic cosign verification once the token is cached.
/// </summary>
public sealed class TokenAuthRegistryTests : IClassFixture<TokenAuthDockerRegistry>
{
    private const string SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

    private readonly TokenAuthDockerRegistry _fixture;

    public TokenAuthRegistryTests(TokenAuthDockerRegistry fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task ClassicVerificationFetches_WithCachedToken_CostTwoRequests()
    {
        var (imageDigest, payload, payloadDigest) = await PushSignedImageAsync("token/signed");
        var client = CreateClient(new FixedCredentialSource(new RegistryCredential(TokenAuthDockerRegistry.User, TokenAuthDockerRegistry.Password)), out var counter);
        var image = Reference($"token/signed@{imageDigest}");

        // First contact: 401 with the challenge, the token, then the manifest.
        await client.GetManifestAsync(image);
        var firstContact = counter.Requests;
        counter.Reset();
        var tokensBefore = _fixture.Tokens.TokenRequests;

        var signatures = await client.GetManifestAsync(image.WithTag(Digest.Parse(imageDigest).ToTagPrefix() + ".sig"));
        var blob = await client.GetBlobAsync(image, Digest.Parse(payloadDigest), 64 * 1024);

        Assert.Equal(3, firstContact.Count);
        Assert.Contains("/token?", firstContact[1], StringComparison.Ordinal);
        Assert.Equal(payload, blob);
        Assert.Equal(OciMediaTypes.OciManifest, signatures.MediaType);
        Assert.Equal(2, counter.Count);
        Assert.All(counter.Requests, request => Assert.Contains(_fixture.Registry.HostPort, request, StringComparison.Ordinal));
        Assert.Equal(tokensBefore, _fixture.Tokens.TokenRequests);
    }

    [Fact]
    public async Task GetManifestAsync_NewRepositoryOnKnownRegistry_FetchesTokenWithoutAnotherChallenge()
    {
        var first = (await PushSignedImageAsync("token/first")).ImageDigest;
        var second = (await PushSignedImageAsync("token/second")).ImageDigest;
        var client = CreateClient(new FixedCredentialSource(new RegistryCredential(TokenAuthDockerRegistry.User, TokenAuthDockerRegistry.Password)), out var counter);

        await client.GetManifestAsync(Reference($"token/first@{first}"));
        counter.Reset();
        await client.GetManifestAsync(Reference($"token/second@{second}"));

        Assert.Equal(2, counter.Count);
        Assert.Contains("scope=repository%3Atoken%2Fsecond%3Apull", counter.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestAsync_WrongPassword_ThrowsUnauthorizedNamingTheUser()
    {
        var digest = (await PushSignedImageAsync("token/denied")).ImageDigest;
        var client = CreateClient(new FixedCredentialSource(new RegistryCredential(TokenAuthDockerRegistry.User, "wrong")), out var counter);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference($"token/denied@{digest}")));

        Assert.Equal("UNAUTHORIZED", error.ReasonCode);
        Assert.Contains(TokenAuthDockerRegistry.User, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, counter.Count);
    }

    private async Task<(string ImageDigest, byte[] Payload, string PayloadDigest)> PushSignedImageAsync(string repository)
    {
        using var writer = _fixture.CreateWriter();
        var (imageDigest, _) = await writer.PushImageAsync(repository, "latest");
        var payload = Encoding.UTF8.GetBytes(
            $"{{\"critical\":{{\"identity\":{{\"docker-reference\":\"{_fixture.Registry.HostPort}/{repository}\"}},\"image\":{{\"docker-manifest-digest\":\"{imageDigest}\"}},\"type\":\"cosign container image signature\"}},\"optional\":null}}");
        var payloadDigest = await writer.PushBlobAsync(repository, payload);
        var config = Encoding.UTF8.GetBytes("{}");
        var configDigest = await writer.PushBlobAsync(repository, config);
        var manifest = RegistryContentWriter.BuildManifest(
            ("application/vnd.oci.image.config.v1+json", configDigest, config.Length, null),
            [(SimpleSigningMediaType, payloadDigest, payload.Length, new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = "MEUCIQ==" })]);
        await writer.PushManifestAsync(repository, Digest.Parse(imageDigest).ToTagPrefix() + ".sig", manifest);
        return (imageDigest, payload, payloadDigest);
    }

    private ImageReference Reference(string text) => ImageReference.Parse($"{_fixture.Registry.HostPort}/{text}");

    private DistributionRegistryClient CreateClient(RegistryCredentialSource credentials, out RequestCountingHandler counter)
    {
        counter = new RequestCountingHandler();
        var options = new RegistryClientOptions
        {
            HttpRegistries = RegistryClientOptions.ParseHttpRegistries($"{_fixture.Registry.HostPort},{_fixture.Tokens.HostPort}"),
        };
        return new DistributionRegistryClient(new HttpClient(counter), options, credentials, TimeProvider.System);
    }
}
