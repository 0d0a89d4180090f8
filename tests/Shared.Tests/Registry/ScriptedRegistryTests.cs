using System.Net.Sockets;
using System.Text;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Registry;
using ImageTrust.Shared.Tests.Model;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Registry;

/// <summary>
/// Protocol behaviour the real registry cannot produce on demand (wrong bytes, oversized bodies, throttling, outages,
/// odd challenges), against a scripted loopback HTTP server that counts requests.
/// </summary>
public sealed class ScriptedRegistryTests
{
    private static readonly byte[] ManifestBytes = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}");
    private static readonly Digest ManifestDigest = Digest.Sha256Of(ManifestBytes);

    [Fact]
    public async Task GetManifestAsync_ByDigestWrongBytes_ThrowsDigestMismatch()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => WriteManifestAsync(context, Encoding.UTF8.GetBytes("{\"tampered\":true}")));
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, $"repo@{ManifestDigest}")));

        Assert.Equal("DIGEST_MISMATCH", error.ReasonCode);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_ByTagWithLyingDigestHeader_ThrowsDigestMismatch()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.Headers["Docker-Content-Digest"] = Digest.Sha256Of(Encoding.UTF8.GetBytes("other")).ToString();
            return WriteManifestAsync(context, ManifestBytes);
        });
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal("DIGEST_MISMATCH", error.ReasonCode);
    }

    [Fact]
    public async Task GetManifestAsync_ByTagWithMatchingHeader_ReturnsDigestOfContent()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.Headers["Docker-Content-Digest"] = ManifestDigest.ToString();
            return WriteManifestAsync(context, ManifestBytes);
        });
        var client = CreateClient(server);

        var manifest = await client.GetManifestAsync(Reference(server, "repo:1"));

        Assert.Equal(ManifestDigest, manifest.Digest);
        Assert.Equal(OciMediaTypes.OciManifest, manifest.MediaType);
    }

    [Theory]
    [InlineData("{\"schemaVersion\":2,\"config\":{},\"layers\":[]}", OciMediaTypes.OciManifest)]
    [InlineData("{\"schemaVersion\":2,\"manifests\":[]}", OciMediaTypes.OciIndex)]
    public async Task GetManifestAsync_NoContentTypeNorMediaType_InfersOciTypeFromShape(string json, string expected)
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json)).AsTask());
        var client = CreateClient(server);

        var manifest = await client.GetManifestAsync(Reference(server, "repo:1"));

        Assert.Equal(expected, manifest.MediaType);
    }

    [Fact]
    public async Task GetManifestAsync_NotJsonWithoutContentType_ThrowsMalformed()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("not json")).AsTask());
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal("MALFORMED_RESPONSE", error.ReasonCode);
    }

    [Fact]
    public async Task GetBlobAsync_WrongBytes_ThrowsDigestMismatch()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("not the payload")).AsTask());
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(
            () => client.GetBlobAsync(Reference(server, "repo"), Digest.Sha256Of(Encoding.UTF8.GetBytes("the payload")), 1024));

        Assert.Equal("DIGEST_MISMATCH", error.ReasonCode);
    }

    [Fact]
    public async Task GetManifestAsync_DeclaredLengthOverFourMiB_ThrowsTooLargeBeforeReading()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = OciMediaTypes.OciManifest;
            context.Response.ContentLength = (4 * 1024 * 1024) + 1;
            await context.Response.Body.WriteAsync(new byte[1024]);
        });
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, "repo:big")));

        Assert.Equal("TOO_LARGE", error.ReasonCode);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_EndlessChunkedBody_ThrowsTooLargeWithoutReadingItAll()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = OciMediaTypes.OciManifest;
            var chunk = new byte[64 * 1024];

            // 256 MiB without a Content-Length, far more than the client may buffer; Kestrel discards writes once the client hangs up.
            for (var i = 0; i < 4 * 1024 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk);
            }
        });
        var counter = new ByteCountingHandler();
        var options = new RegistryClientOptions { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(server.HostPort) };
        var client = new DistributionRegistryClient(new HttpClient(counter), options, RegistryCredentialSource.Anonymous, TimeProvider.System);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, "repo:endless")));

        Assert.Equal("TOO_LARGE", error.ReasonCode);
        Assert.InRange(counter.BytesRead, (4 * 1024 * 1024) + 1, (4 * 1024 * 1024) + (64 * 1024));
    }

    [Fact]
    public async Task GetManifestAsync_LongRetryAfterOnFakeClock_WaitsOnTheInjectedTimeProvider()
    {
        var time = FakeClock();
        var arrivals = new List<DateTimeOffset>();
        await using var server = await StartOnceUnavailableAsync(time, arrivals, 429, "120");
        var client = CreateClient(
            server,
            options => options with { Retry = FastRetry(3) with { AttemptTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromHours(1) } },
            timeProvider: time);

        await AdvanceUntilDoneAsync(time, client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal(2, arrivals.Count);
        Assert.True(arrivals[1] - arrivals[0] >= TimeSpan.FromSeconds(120), $"retried after {arrivals[1] - arrivals[0]} of fake time");
    }

    [Fact]
    public async Task GetManifestAsync_RetryAfterHttpDateOnFakeClock_WaitsUntilThatTime()
    {
        var time = FakeClock();
        var retryAt = time.GetUtcNow().AddSeconds(40);
        var arrivals = new List<DateTimeOffset>();
        await using var server = await StartOnceUnavailableAsync(time, arrivals, 503, retryAt.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var client = CreateClient(server, options => options with { Retry = FastRetry(5) with { AttemptTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromHours(1) } }, timeProvider: time);

        await AdvanceUntilDoneAsync(time, client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal(2, arrivals.Count);
        Assert.True(arrivals[1] >= retryAt, $"retried at {arrivals[1]}, before {retryAt}");
    }

    [Fact]
    public async Task GetManifestAsync_RetryAfterPastDeadline_FailsAtOnce()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        });
        var client = CreateClient(server, options => options with { Retry = FastRetry(5) with { TotalTimeout = TimeSpan.FromSeconds(30) } });

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal(1, server.RequestCount);
        Assert.Contains("Retry-After", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestAsync_ServiceUnavailableForeverOnFakeClock_ThrowsTransientWithinDeadline()
    {
        var time = FakeClock();
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var client = CreateClient(
            server,
            options => options with { Retry = new RetryPolicy { MaxAttempts = 100, InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(4), AttemptTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromSeconds(30) } },
            timeProvider: time);

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => AdvanceUntilDoneAsync(time, client.GetManifestAsync(Reference(server, "repo:1"))));

        // The fake clock moves while real loopback requests are in flight, so on a loaded machine the overall deadline itself
        // may be what ends the last attempt: never later than it.
        Assert.True(time.GetUtcNow() - time.Start <= TimeSpan.FromSeconds(30), $"gave up after {time.GetUtcNow() - time.Start} of fake time");
        Assert.InRange(server.RequestCount, 3, 30);
        Assert.Contains(server.HostPort, error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestAsync_ServerHangsOnFakeClock_ThrowsTransientAtOverallDeadline()
    {
        var time = FakeClock();
        await using var server = await LoopbackHttpServer.StartAsync(context => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        var client = CreateClient(server, options => options with { Retry = FastRetry(3) with { AttemptTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromSeconds(20) } }, timeProvider: time);

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => AdvanceUntilDoneAsync(time, client.GetManifestAsync(Reference(server, "repo:1"))));

        Assert.InRange(time.GetUtcNow() - time.Start, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(21));
        Assert.Contains("overall deadline of 20 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_CallerCancels_ThrowsOperationCanceledNotTransient()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            arrived.TrySetResult();
            return Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        var client = CreateClient(server);
        using var cancellation = new CancellationTokenSource();

        var call = client.GetManifestAsync(Reference(server, "repo:1"), cancellation.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_FirstAttemptHangsOnFakeClock_RetriedAfterAttemptTimeout()
    {
        var time = FakeClock();
        var calls = 0;
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                return;
            }

            retried.TrySetResult();
            await WriteManifestAsync(context, ManifestBytes);
        });
        var client = CreateClient(server, options => options with { Retry = FastRetry(3) with { AttemptTimeout = TimeSpan.FromSeconds(10) } }, timeProvider: time);

        // The clock moves only until the retry arrives, so the second attempt's own timeout cannot fire while it is answered.
        var call = client.GetManifestAsync(Reference(server, "repo:1"));
        for (var i = 0; i < 2000 && !retried.Task.IsCompleted && !call.IsCompleted; i++)
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var manifest = await call;
        Assert.Equal(ManifestDigest, manifest.Digest);
        Assert.Equal(2, server.RequestCount);
        Assert.True(time.GetUtcNow() - time.Start >= TimeSpan.FromSeconds(10), $"retried after {time.GetUtcNow() - time.Start} of fake time");
    }

    [Fact]
    public async Task GetManifestAsync_ServerErrorsThenSuccess_RetriesEachNamedStatus()
    {
        var statuses = new Queue<int>([500, 502, 503, 504]);
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            lock (statuses)
            {
                if (statuses.TryDequeue(out var status))
                {
                    context.Response.StatusCode = status;
                    return Task.CompletedTask;
                }
            }

            return WriteManifestAsync(context, ManifestBytes);
        });
        var client = CreateClient(server, options => options with { Retry = FastRetry(5) });

        var manifest = await client.GetManifestAsync(Reference(server, "repo:1"));

        Assert.Equal(ManifestDigest, manifest.Digest);
        Assert.Equal(5, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_MaxAttemptsReached_ThrowsTransientNamingLastStatus()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        });
        var client = CreateClient(server, options => options with { Retry = FastRetry(3) });

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal(3, server.RequestCount);
        Assert.Contains("HTTP 502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestAsync_ConnectionRefused_RetriedThenTransient()
    {
        var port = FreePort.Next();
        var hostPort = $"127.0.0.1:{port}";
        var client = new DistributionRegistryClient(
            new HttpClient(),
            new RegistryClientOptions { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(hostPort), Retry = FastRetry(3) },
            RegistryCredentialSource.Anonymous,
            TimeProvider.System);

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => client.GetManifestAsync(ImageReference.Parse($"{hostPort}/repo:1")));

        Assert.Contains("after 3 attempt", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection failed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, typeof(RegistryNotFoundException), null)]
    [InlineData(403, typeof(RegistryProtocolException), "FORBIDDEN")]
    [InlineData(401, typeof(RegistryProtocolException), "UNAUTHORIZED")]
    [InlineData(400, typeof(RegistryProtocolException), "UNEXPECTED_STATUS")]
    public async Task GetManifestAsync_PermanentStatus_NotRetried(int status, Type expected, string? reasonCode)
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        var client = CreateClient(server, options => options with { Retry = FastRetry(5) });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.IsType(expected, error);
        Assert.Equal(reasonCode, (error as RegistryProtocolException)?.ReasonCode);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_BasicCredentialsRefused_ReauthenticatesOnceOnly()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"test\"";
            return Task.CompletedTask;
        });
        var client = CreateClient(server, credentials: new FixedCredentialSource(new RegistryCredential("user", "wrong")));

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal("UNAUTHORIZED", error.ReasonCode);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_BearerChallenge_FetchesTokenOnceAndReusesIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        LoopbackHttpServer? self = null;
        await using var server = await LoopbackHttpServer.StartAsync(context => BearerRegistryAsync(context, self!, expiresIn: 60));
        self = server;
        var client = CreateClient(server, timeProvider: time, credentials: new FixedCredentialSource(new RegistryCredential("robot", "pw")));
        var reference = Reference(server, $"repo@{ManifestDigest}");

        await client.GetManifestAsync(reference);
        var firstContact = server.Requests;
        server.ResetCount();
        await client.GetManifestAsync(reference);
        var cached = server.RequestCount;
        server.ResetCount();
        time.Advance(TimeSpan.FromSeconds(61));
        await client.GetManifestAsync(reference);
        var afterExpiry = server.Requests;

        Assert.Equal(3, firstContact.Count);
        Assert.StartsWith("GET /token?service=test-service&scope=repository%3Arepo%3Apull", firstContact[1], StringComparison.Ordinal);
        Assert.Equal(1, cached);
        Assert.Equal(2, afterExpiry.Count);
        Assert.StartsWith("GET /token", afterExpiry[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifestAsync_CachedTokenRevoked_ReauthenticatesOnce()
    {
        var accepted = "tok-1";
        var issued = 0;
        LoopbackHttpServer? self = null;
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/token")
            {
                var token = $"tok-{Interlocked.Increment(ref issued)}";
                Volatile.Write(ref accepted, token);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($"{{\"access_token\":\"{token}\",\"expires_in\":3600}}");
                return;
            }

            if (context.Request.Headers.Authorization.ToString() != "Bearer " + Volatile.Read(ref accepted))
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{self!.HostPort}/token\",service=\"s\"";
                return;
            }

            await WriteManifestAsync(context, ManifestBytes);
        });
        self = server;
        var client = CreateClient(server);
        await client.GetManifestAsync(Reference(server, "repo:1"));
        server.ResetCount();
        Volatile.Write(ref accepted, "revoked");

        await client.GetManifestAsync(Reference(server, "repo:1"));

        Assert.Equal(3, server.RequestCount);
        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task GetManifestAsync_PlainHttpRealmNotAllowed_ThrowsInsecureTokenRealm()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"http://auth.example.test/token\",service=\"s\"";
            return Task.CompletedTask;
        });
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.GetManifestAsync(Reference(server, "repo:1")));

        Assert.Equal("INSECURE_TOKEN_REALM", error.ReasonCode);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task GetManifestAsync_GoogleRegistry_SendsAccessTokenAsBearerOnFirstRequest()
    {
        var authorizations = new List<string>();
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            lock (authorizations)
            {
                authorizations.Add(context.Request.Headers.Authorization.ToString());
            }

            return WriteManifestAsync(context, ManifestBytes);
        });
        var tokens = new FakeAccessTokenSource("ya29.fake-token");
        const string googleHost = "europe-docker.pkg.dev";
        var client = new DistributionRegistryClient(
            new HttpClient(RedirectTo(server)),
            new RegistryClientOptions { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(googleHost) },
            new GoogleCredentialSource(tokens),
            TimeProvider.System);

        await client.GetManifestAsync(ImageReference.Parse($"{googleHost}/project/repo/image@{ManifestDigest}"));

        Assert.Equal(["Bearer ya29.fake-token"], authorizations);
        Assert.Equal(1, server.RequestCount);
        Assert.True(tokens.Calls >= 1);
    }

    [Fact]
    public async Task ListTagsAsync_LinkHeaders_FollowsEveryPage()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            var last = context.Request.Query["last"].ToString();
            var (tags, next) = last switch
            {
                "" => ("[\"a\",\"b\"]", "</v2/repo/tags/list?n=2&last=b>; rel=\"next\""),
                "b" => ("[\"c\",\"d\"]", "</v2/repo/tags/list?n=2&last=d>; rel=\"next\""),
                _ => ("[\"e\"]", null),
            };
            if (next is not null)
            {
                context.Response.Headers.Link = next;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"name\":\"repo\",\"tags\":{tags}}}");
        });
        var client = CreateClient(server, options => options with { TagsPageSize = 2 });

        var tags = await client.ListTagsAsync(Reference(server, "repo"));

        Assert.Equal(["a", "b", "c", "d", "e"], tags);
        Assert.Equal(3, server.RequestCount);
    }

    [Theory]
    [InlineData("<http://elsewhere.test/v2/repo/tags/list?last=b>; rel=\"next\"")]
    [InlineData("</v2/repo/tags/list?n=1000>; rel=\"next\"")]
    public async Task ListTagsAsync_LinkLeavingRegistryOrLooping_ThrowsBadLink(string link)
    {
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.Headers.Link = link;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"name\":\"repo\",\"tags\":[\"a\"]}");
        });
        var client = CreateClient(server);

        var error = await Assert.ThrowsAsync<RegistryProtocolException>(() => client.ListTagsAsync(Reference(server, "repo")));

        Assert.Equal("BAD_LINK", error.ReasonCode);
    }

    [Fact]
    public async Task GetReferrersAsync_IndexServed_ReturnsIndexWithComputedDigest()
    {
        var index = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.ContentType = OciMediaTypes.OciIndex;
            await context.Response.Body.WriteAsync(index);
        });
        var client = CreateClient(server);

        var referrers = await client.GetReferrersAsync(Reference(server, "repo"), ManifestDigest, "application/vnd.dev.sigstore.bundle.v0.3+json");

        Assert.NotNull(referrers);
        Assert.Equal(Digest.Sha256Of(index), referrers.Digest);
        Assert.Equal($"GET /v2/repo/referrers/{ManifestDigest}?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson", server.Requests[0]);
    }

    [Fact]
    public async Task GetReferrersAsync_NonIndexServed_ReturnsNull()
    {
        await using var server = await LoopbackHttpServer.StartAsync(context => context.Response.WriteAsync("<html>hello</html>"));
        var client = CreateClient(server);

        Assert.Null(await client.GetReferrersAsync(Reference(server, "repo"), ManifestDigest));
    }

    private static async Task BearerRegistryAsync(HttpContext context, LoopbackHttpServer server, int expiresIn)
    {
        if (context.Request.Path == "/token")
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:pw"));
            if (context.Request.Headers.Authorization.ToString() != expected)
            {
                context.Response.StatusCode = 401;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"token\":\"tok-{Guid.NewGuid():N}\",\"expires_in\":{expiresIn}}}");
            return;
        }

        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer tok-", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{server.HostPort}/token\",service=\"test-service\",scope=\"repository:repo:pull\"";
            return;
        }

        await WriteManifestAsync(context, ManifestBytes);
    }

    private static async Task WriteManifestAsync(HttpContext context, byte[] content)
    {
        context.Response.ContentType = OciMediaTypes.OciManifest;
        await context.Response.Body.WriteAsync(content);
    }

    private static RetryPolicy FastRetry(int maxAttempts)
        => new() { MaxAttempts = maxAttempts, InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) };

    // Answers the first request with the status and Retry-After given, every later one with the manifest; notes arrivals on the clock.
    private static Task<LoopbackHttpServer> StartOnceUnavailableAsync(TimeProvider time, List<DateTimeOffset> arrivals, int status, string retryAfter)
        => LoopbackHttpServer.StartAsync(context =>
        {
            int count;
            lock (arrivals)
            {
                arrivals.Add(time.GetUtcNow());
                count = arrivals.Count;
            }

            if (count == 1)
            {
                context.Response.StatusCode = status;
                context.Response.Headers.RetryAfter = retryAfter;
                return Task.CompletedTask;
            }

            return WriteManifestAsync(context, ManifestBytes);
        });

    private static FakeTimeProvider FakeClock() => new(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    // Moves the fake clock on while the call waits (the loopback server answers in real time, so each step waits a little first).
    private static async Task<T> AdvanceUntilDoneAsync<T>(FakeTimeProvider time, Task<T> call)
    {
        for (var i = 0; i < 4000 && !call.IsCompleted; i++)
        {
            await Task.Delay(5);
            if (!call.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await call;
    }

    private static ImageReference Reference(LoopbackHttpServer server, string repositoryAndTag) => ImageReference.Parse($"{server.HostPort}/{repositoryAndTag}");

    private static DistributionRegistryClient CreateClient(
        LoopbackHttpServer server,
        Func<RegistryClientOptions, RegistryClientOptions>? configure = null,
        RegistryCredentialSource? credentials = null,
        TimeProvider? timeProvider = null)
    {
        var options = new RegistryClientOptions { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(server.HostPort), Retry = FastRetry(3) };
        return new DistributionRegistryClient(new HttpClient(), configure?.Invoke(options) ?? options, credentials ?? RegistryCredentialSource.Anonymous, timeProvider ?? TimeProvider.System);
    }

    // Sends every connection to the loopback server whatever the host name, so a Google host name can be exercised offline.
    private static SocketsHttpHandler RedirectTo(LoopbackHttpServer server) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };
}
