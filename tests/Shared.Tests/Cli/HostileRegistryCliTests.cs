using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// The whole CLI with its production services against registries that misbehave on purpose (issue 10, items 4–8): every
/// hostile answer is a verification failure with a named reason (exit 1), never an internal error (exit 3), and the work
/// it causes is bounded.
/// </summary>
public sealed class HostileRegistryCliTests : IAsyncLifetime, IDisposable
{
    private const string Repository = "team/app";

    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-hostile-").FullName;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private ScriptedOciRegistry? _registry;
    private string _keyPath = string.Empty;

    private ScriptedOciRegistry Registry => _registry!;

    public async Task InitializeAsync()
    {
        _registry = await ScriptedOciRegistry.StartAsync();

        // Listed rather than probed (--allow-http-registry asks /v2/ first), so the request counts below are the verification's own.
        _environment["IMAGETRUST_HTTP_REGISTRIES"] = _registry.HostPort;
        _keyPath = Path.Combine(_directory, "cosign.pub");
        await File.WriteAllTextAsync(_keyPath, _key.ExportSubjectPublicKeyInfoPem());
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Verify_SignedImage_Exits0()
    {
        var digest = PushSignedImage("1.0");

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}:1.0");

        Assert.True(exitCode == ExitCodes.Verified, error + report);
        Assert.Equal(digest, report.GetProperty("digest").GetString());
    }

    [Fact]
    public async Task Verify_Sha512DockerContentDigestByTag_ResolvesTheSha256DigestAsCosign()
    {
        var digest = PushSignedImage("1.0");
        var sha512 = "sha512:" + Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(HostileImages.ImageJson())));
        Registry.Intercept = context => AnnounceDigest(context, "/manifests/1.0", sha512);

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}:1.0");

        // go-containerregistry, under cosign, names an image by the sha256 of its bytes whatever the header says.
        Assert.True(exitCode == ExitCodes.Verified, error + report);
        Assert.Equal(digest, report.GetProperty("digest").GetString());
    }

    [Fact]
    public async Task Verify_Sha512DockerContentDigestOfOtherContent_Exits1DigestMismatch()
    {
        PushSignedImage("1.0");
        Registry.Intercept = context => AnnounceDigest(context, "/manifests/1.0", "sha512:" + Convert.ToHexStringLower(SHA512.HashData("other"u8)));

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}:1.0");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Contains("DIGEST_MISMATCH", Reasons(report));
    }

    [Fact]
    public async Task Verify_Sha512ImageReference_Exits1UnsupportedDigest()
    {
        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@sha512:{new string('b', 128)}");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Equal(["UNSUPPORTED_DIGEST"], Reasons(report));
    }

    [Fact]
    public async Task Verify_IndexListingSha512PlatformUnderEveryPlatformRule_Exits1UnsupportedDigest()
    {
        var amd64 = PushSignedImage("amd64");
        HostileImages.PushIndexWithSha512Platform(Registry, Repository, "multi", amd64);
        var policy = Path.Combine(_directory, "policy.yaml");
        await File.WriteAllTextAsync(policy, $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: every-platform
                scope: ["{Registry.HostPort}/**"]
                authorities:
                  - name: key
                    key: {"{"}path: "{_keyPath}"{"}"}
                tlog: insecure-ignore
                mode: enforce
                multiArch: every-platform

            """);

        var (exitCode, report, error) = await RunAsync("verify", $"{Registry.HostPort}/{Repository}:multi", "--policy", policy, "--output", "json");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Equal(["PLATFORM_NOT_VERIFIED", "UNSUPPORTED_DIGEST"], Reasons(report));
    }

    [Theory]
    [InlineData("ftp://{0}/v2/elsewhere")]
    [InlineData("gopher://{0}/v2/elsewhere")]
    public async Task Verify_RedirectToAnotherScheme_Exits1BadRedirectWithoutFollowing(string target)
    {
        var digest = PushSignedImage("1.0");
        Registry.Intercept = context => RedirectAsync(context, "/manifests/sha256-", string.Format(CultureInfo.InvariantCulture, target, Registry.HostPort));

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Contains("BAD_REDIRECT", Reasons(report));
        Assert.Equal(0, Registry.CountRequests("/v2/elsewhere"));
    }

    [Fact]
    public async Task Verify_RedirectToUnlistedPlainHttpHost_Exits1BadRedirectAndThatHostIsNeverAsked()
    {
        var digest = PushSignedImage("1.0");
        await using var elsewhere = await LoopbackHttpServer.StartAsync(context => context.Response.WriteAsync("{}"));
        Registry.Intercept = context => RedirectAsync(context, "/blobs/", $"http://{elsewhere.HostPort}/payload");

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Contains("BAD_REDIRECT", Reasons(report));
        Assert.Equal(0, elsewhere.RequestCount);
    }

    [Fact]
    public async Task Verify_BlobRedirectToListedPlainHttpHost_Followed()
    {
        var digest = PushSignedImage("1.0");

        // Blob storage serves the payload the registry redirected to.
        await using var storage = await LoopbackHttpServer.StartAsync(context => context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(Payload(digest))).AsTask());
        Registry.Intercept = context => RedirectAsync(context, "/blobs/", $"http://{storage.HostPort}/payload?signed=1");

        _environment["IMAGETRUST_HTTP_REGISTRIES"] = $"{Registry.HostPort},{storage.HostPort}";

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.Verified, error + report);
        Assert.Equal(["GET /payload?signed=1"], storage.Requests);
    }

    [Fact]
    public async Task Verify_EndlessRedirects_Exits1BadRedirectAfterFiveHops()
    {
        var digest = PushSignedImage("1.0");
        Registry.Intercept = context => RedirectAsync(context, "/", $"http://{Registry.HostPort}/v2/loop/{Guid.NewGuid():N}");

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Contains("BAD_REDIRECT", Reasons(report));
        Assert.Contains("more than 5 redirects", report.GetRawText(), StringComparison.Ordinal);

        // The .sig manifest, then the referrers lookup: each its request and five redirects, then refused.
        Assert.Equal(12, Registry.Server.RequestCount);
    }

    [Fact]
    public async Task Verify_ReferrersOfThousandIdenticalBundleLayers_Exits1TooManySignaturesInThreeRequests()
    {
        // The image: 32 referrers of 1,024 identical bundle layers each caused 32,768 blob fetches.
        var digest = HostileImages.PushImage(Registry, Repository, "1.0");
        HostileImages.PushReferrersOfIdenticalBundles(Registry, Repository, digest, referrers: 32, layersEach: 1024);

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Equal(["TOO_MANY_SIGNATURES"], Reasons(report));
        Assert.Contains("maxSignatures = 64", report.GetProperty("messages")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(3, Registry.Server.RequestCount);
        Assert.Equal(0, Registry.CountRequests("/blobs/"));
    }

    [Fact]
    public async Task Verify_SlowAnswers_Exits1VerificationTimeoutWhenTheTimeoutPasses()
    {
        var digest = HostileImages.PushImage(Registry, Repository, "1.0");
        Registry.Intercept = async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), context.RequestAborted);
            return false;
        };
        var stopwatch = Stopwatch.StartNew();

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}", "--timeout", "2s");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Equal(["VERIFICATION_TIMEOUT"], Reasons(report));
        Assert.Contains("timeout = 2s", report.GetProperty("messages")[0].GetString(), StringComparison.Ordinal);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(4));
    }

    [Theory]
    [InlineData("0s", "must be more than 0s and at most 24h")]
    [InlineData("soon", "is not a duration such as 90s")]
    [InlineData("25h", "must be more than 0s and at most 24h")]
    public async Task Verify_TimeoutNotAPositiveDurationUpToADay_Exits2(string timeout, string expected)
    {
        var (exitCode, _, error) = await RunAsync("verify", $"{Registry.HostPort}/{Repository}:1.0", "--key", _keyPath, "--timeout", timeout);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.StartsWith($"imagetrust: --timeout {timeout}: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(0, Registry.Server.RequestCount);
    }

    [Fact]
    public async Task Verify_TokenRealmOverPlainHttpOnUnlistedHost_Exits1InsecureTokenRealm()
    {
        var digest = PushSignedImage("1.0");
        await using var tokens = await LoopbackHttpServer.StartAsync(context => context.Response.WriteAsync("{\"token\":\"t\"}"));
        Registry.Intercept = context =>
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{tokens.HostPort}/token\",service=\"registry\"";
            return Task.FromResult(true);
        };

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.VerificationFailed, error);
        Assert.Contains("INSECURE_TOKEN_REALM", Reasons(report));
        Assert.Equal(0, tokens.RequestCount);
    }

    [Fact]
    public async Task Verify_ChallengeAskingForPushAndDelete_TokenAskedForPullOnly()
    {
        var digest = PushSignedImage("1.0");
        Registry.Intercept = async context =>
        {
            if (context.Request.Path == "/token")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"token\":\"pull-token\"}");
                return true;
            }

            if (context.Request.Headers.Authorization.ToString() == "Bearer pull-token")
            {
                return false;
            }

            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer realm=\"http://{Registry.HostPort}/token\",service=\"registry\",scope=\"repository:{Repository}:push,pull,delete registry:catalog:*\"";
            return true;
        };

        var (exitCode, report, error) = await VerifyAsync($"{Registry.HostPort}/{Repository}@{digest}");

        Assert.True(exitCode == ExitCodes.Verified, error + report);
        var tokenRequests = Registry.Server.Requests.Where(request => request.StartsWith("GET /token", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tokenRequests);
        Assert.All(tokenRequests, request => Assert.Equal("GET /token?service=registry&scope=repository%3Ateam%2Fapp%3Apull", request));
    }

    private static Task<bool> AnnounceDigest(HttpContext context, string pathPart, string digest)
    {
        if (context.Request.Path.Value!.Contains(pathPart, StringComparison.Ordinal))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["Docker-Content-Digest"] = digest;
                return Task.CompletedTask;
            });
        }

        return Task.FromResult(false);
    }

    private static Task<bool> RedirectAsync(HttpContext context, string pathPart, string location)
    {
        if (!context.Request.Path.Value!.Contains(pathPart, StringComparison.Ordinal))
        {
            return Task.FromResult(false);
        }

        context.Response.StatusCode = 302;
        context.Response.Headers.Location = location;
        return Task.FromResult(true);
    }

    private string Payload(string digest)
        => $$"""{"critical":{"identity":{"docker-reference":"{{Registry.HostPort}}/{{Repository}}"},"image":{"docker-manifest-digest":"{{digest}}"},"type":"cosign container image signature"},"optional":null}""";

    /// <summary>The image and a classic <c>.sig</c> with one simple-signing layer signed by the test key (ECDSA P-256, DER).</summary>
    private string PushSignedImage(string tag)
    {
        var digest = HostileImages.PushImage(Registry, Repository, tag);
        var payload = Encoding.UTF8.GetBytes(Payload(digest));
        var payloadDigest = Registry.PutBlob(Repository, payload);
        var signature = Convert.ToBase64String(_key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Registry.PutManifest(
            Repository,
            digest.Replace(':', '-') + ".sig",
            $$$"""{"schemaVersion":2,"mediaType":"{{{RegistryContentWriter.OciManifestMediaType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":0},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"{{{payloadDigest}}}","size":{{{payload.Length}}},"annotations":{"dev.cosignproject.cosign/signature":"{{{signature}}}"}}]}""");
        return digest;
    }

    private Task<(int ExitCode, JsonElement Report, string Error)> VerifyAsync(string image, params string[] extra)
        => RunAsync(["verify", image, "--key", _keyPath, "--insecure-ignore-tlog", "--output", "json", .. extra]);

    private async Task<(int ExitCode, JsonElement Report, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, name => _environment.GetValueOrDefault(name), _directory);
        var exitCode = await CliApplication.RunAsync(args, ProductionServices.Create(), console);
        var text = output.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (exitCode, default, error.ToString());
        }

        using var document = JsonDocument.Parse(text);
        return (exitCode, document.RootElement.Clone(), error.ToString());
    }

    private static List<string> Reasons(JsonElement report) => [.. report.GetProperty("reasons").EnumerateArray().Select(reason => reason.GetString()!)];
}
