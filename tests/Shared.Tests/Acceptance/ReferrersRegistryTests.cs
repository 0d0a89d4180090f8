using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.TestSupport.Fixtures;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Shared.Tests.Acceptance;

/// <summary>
/// The OCI 1.1 referrers path end to end. docker-registry 2.8 has no referrers API, so a registry of our own fronts it: it
/// answers <c>GET /v2/NAME/referrers/DIGEST</c> with a referrers index and proxies everything else to the real registry.
/// The sigstore-js bundle must then be found through the referrers API, without touching the <c>sha256-…</c> fallback tag.
/// </summary>
public sealed class ReferrersRegistryTests : IAsyncLifetime
{
    private const string Scenario = "bundle-keyless-signed";
    private readonly DockerRegistryProcess _registry = new();
    private readonly HttpClient _upstream = new();
    private FixtureSet _fixtures = null!;
    private LoopbackHttpServer _front = null!;
    private bool _emptyReferrers;

    public async Task InitializeAsync()
    {
        await _registry.InitializeAsync();
        _fixtures = FixtureSet.LoadDefault();
        await _fixtures.PushToAsync(_registry.BaseUri, [_fixtures.Scenario(Scenario).Repository]);
        _front = await LoopbackHttpServer.StartAsync(ServeAsync);
    }

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        _upstream.Dispose();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task Verify_BundleServedByReferrersApi_VerifiedWithoutFallbackTag()
    {
        var (exitCode, output) = await VerifyAsync();

        Assert.True(exitCode == 0, output);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
        var requests = _front.Requests;
        Assert.Contains(requests, request => request.Contains("/referrers/sha256:", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, IsFallbackTagRequest);
    }

    [Fact]
    public async Task Verify_ReferrersApiListsNoBundle_FailsWithoutFallingBack()
    {
        _emptyReferrers = true;

        var (exitCode, output) = await VerifyAsync();

        Assert.True(exitCode == 1, output);
        Assert.Contains(_front.Requests, request => request.Contains("/referrers/sha256:", StringComparison.Ordinal));
        Assert.DoesNotContain(_front.Requests, IsFallbackTagRequest);
    }

    // The fallback tag is the bare sha256-<hex>; the classic sha256-<hex>.sig lookup is a different tag and is expected.
    private bool IsFallbackTagRequest(string request) =>
        request.EndsWith("/manifests/" + _fixtures.Scenario(Scenario).Digest.Replace(':', '-'), StringComparison.Ordinal);

    private async Task<(int ExitCode, string Output)> VerifyAsync()
    {
        var scenario = _fixtures.Scenario(Scenario);
        string[] arguments =
        [
            "verify",
            .. scenario.CliArguments(_front.HostPort),
            "--allow-http-registry",
            "--output", "json",
        ];
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync(arguments, ProductionServices.Create(), new CliConsole(output, error, _ => null, _fixtures.Directory));
        return (exitCode, output + error.ToString());
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var marker = path.IndexOf("/referrers/", StringComparison.Ordinal);
        if (marker > 0)
        {
            var name = path["/v2/".Length..marker];
            var subject = path[(marker + "/referrers/".Length)..];
            var index = _emptyReferrers
                ? """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""
                : await FallbackIndexAsync(name, subject, context.RequestAborted);
            context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
            await context.Response.WriteAsync(index, context.RequestAborted);
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_registry.BaseUri, path + context.Request.QueryString));
        if (context.Request.Headers.Accept.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToArray());
        }

        using var response = await _upstream.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType.ToString();
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var digests))
        {
            context.Response.Headers["Docker-Content-Digest"] = digests.First();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    // A referrers API answers with the same index the fallback tag holds: descriptors of the manifests whose subject is the digest.
    private async Task<string> FallbackIndexAsync(string name, string subject, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_registry.BaseUri, $"/v2/{name}/manifests/{subject.Replace(':', '-')}"));
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.oci.image.index.v1+json");
        using var response = await _upstream.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
