using System.Collections.Frozen;
using System.Net;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>
/// References are canonicalised before the registry client sees them (defect 2 of issue 10); the canonical name must still
/// reach the registry the reference named: host:443 is HTTPS's default port, plain-HTTP lists match any spelling.
/// </summary>
public sealed class CanonicalRegistryAddressTests
{
    [Theory]
    [InlineData("registry.example:443/p/app:1", "", "https://registry.example/v2/p/app/manifests/1")]
    [InlineData("REGISTRY.example:00443/p/app:1", "", "https://registry.example/v2/p/app/manifests/1")]
    [InlineData("Registry.Example:05000/p/app:1", "", "https://registry.example:5000/v2/p/app/manifests/1")]
    [InlineData("Registry.Example:05000/p/app:1", "REGISTRY.example:5000", "http://registry.example:5000/v2/p/app/manifests/1")]
    [InlineData("registry.example:5000/p/app:1", "registry.example:05000", "http://registry.example:5000/v2/p/app/manifests/1")]
    [InlineData("[0:0::1]:5000/p/app:1", "[::1]:05000", "http://[::1]:5000/v2/p/app/manifests/1")]
    [InlineData("index.docker.io:443/nginx:1", "", "https://registry-1.docker.io/v2/library/nginx/manifests/1")]
    public async Task GetManifestAsync_NonCanonicalReference_RequestsTheNamedRegistry(string reference, string plainHttp, string expected)
    {
        var handler = new RecordingHandler();
        var plainHttpNames = plainHttp.Length == 0 ? [] : new[] { RegistryHost.ParsePlainHttp(plainHttp).Name };
        var client = new DistributionRegistryClient(
            new HttpClient(handler),
            new RegistryClientOptions { HttpRegistries = plainHttpNames.ToFrozenSet(StringComparer.Ordinal), Retry = new RetryPolicy { MaxAttempts = 1 } },
            RegistryCredentialSource.Anonymous,
            TimeProvider.System);

        await Assert.ThrowsAsync<RegistryNotFoundException>(() => client.GetManifestAsync(ImageReference.Parse(reference)));

        var uri = Assert.Single(handler.Requests);
        Assert.Equal(expected, uri.AbsoluteUri);
        Assert.Equal(new Uri(expected).Port, uri.Port);
    }

    [Fact]
    public void ExplicitPort443_SameAddressAsNone()
    {
        Assert.Equal(new Uri("https://registry.example:443/v2/").Port, new Uri($"https://{ImageReference.Parse("registry.example:443/p").Registry}/v2/").Port);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request, Content = new ByteArrayContent([]) });
        }
    }
}
