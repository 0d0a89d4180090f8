using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Records;
using ImageTrust.Registry;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// PushVerifier against registries that misbehave on purpose (issue 10, items 4–7): every hostile image gets a recorded
/// verdict with its reason, acknowledged (204), never a 5xx that Pub/Sub would redeliver; the rule has a grace period, so
/// a refused verification must not pass for a signature still to come.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class HostileRegistryPushTests : IAsyncLifetime
{
    private readonly PipelineEnvironment _environment;
    private readonly string _policyPath = Path.Combine(Path.GetTempPath(), $"imagetrust-hostile-{Guid.NewGuid():N}.yaml");
    private ScriptedOciRegistry? _registry;

    public HostileRegistryPushTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    private ScriptedOciRegistry Registry => _registry!;

    public async Task InitializeAsync()
    {
        _registry = await ScriptedOciRegistry.StartAsync();
        var key = _environment.Fixtures.PathOf("keys/skopeo/TEST-ONLY-ecdsa-p256-key-a.pub");
        await File.WriteAllTextAsync(_policyPath, $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: hostile-enforce
                scope: ["{Registry.HostPort}/team/**"]
                authorities:
                  - name: key-a
                    key: {"{"}path: "{key}"{"}"}
                tlog: insecure-ignore
                mode: enforce
                signatureGracePeriod: 10m
              - name: hostile-every-platform
                scope: ["{Registry.HostPort}/multi/**"]
                authorities:
                  - name: key-a
                    key: {"{"}path: "{key}"{"}"}
                tlog: insecure-ignore
                mode: enforce
                signatureGracePeriod: 10m
                multiArch: every-platform

            """);
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        File.Delete(_policyPath);
    }

    [Fact]
    public async Task Push_ImageWithThousandLayerReferrers_QuarantinedTooManySignaturesInFourRequests()
    {
        var digest = HostileImages.PushImage(Registry, "team/app", "v1");
        HostileImages.PushReferrersOfIdenticalBundles(Registry, "team/app", digest, referrers: 32, layersEach: 1024);
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = ImageKey.Parse($"{Registry.HostPort}/team/app@{digest}");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        Assert.Contains("TOO_MANY_SIGNATURES", record.Reasons);

        // The pushed manifest, the .sig tag, the referrers index and the first referrer: then the verdict.
        Assert.Equal(4, Registry.Server.RequestCount);
        Assert.Equal(0, Registry.CountRequests("/blobs/"));
    }

    [Theory]
    [InlineData("ftp://{0}/v2/elsewhere")]
    [InlineData("gopher://{0}/v2/elsewhere")]
    public async Task Push_SignatureLookupsRedirectedToAnotherScheme_QuarantinedBadRedirect(string target)
    {
        var digest = HostileImages.PushImage(Registry, "team/app", "v1");
        Registry.Intercept = context => RedirectAsync(context, path => path.Contains("sha256-", StringComparison.Ordinal) || path.Contains("/referrers/", StringComparison.Ordinal), string.Format(System.Globalization.CultureInfo.InvariantCulture, target, Registry.HostPort));
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = ImageKey.Parse($"{Registry.HostPort}/team/app@{digest}");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        Assert.Contains("BAD_REDIRECT", record.Reasons);
        Assert.Equal(0, Registry.CountRequests("/v2/elsewhere"));
    }

    [Fact]
    public async Task Push_EveryManifestRedirectedToGopher_VerdictRecordedForThePushedDigest()
    {
        var digest = HostileImages.PushImage(Registry, "team/app", "v1");
        Registry.Intercept = context => RedirectAsync(context, path => path.Contains("/manifests/", StringComparison.Ordinal) || path.Contains("/referrers/", StringComparison.Ordinal), $"gopher://{Registry.HostPort}/v2/elsewhere");
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = ImageKey.Parse($"{Registry.HostPort}/team/app@{digest}");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString(), $"{key.Repository}:v1"), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        Assert.Contains("BAD_REDIRECT", record.Reasons);
    }

    [Fact]
    public async Task Push_TagOnlyWhoseManifestIsRefused_AcknowledgedWithAnAlertNamingTheReason()
    {
        HostileImages.PushImage(Registry, "team/app", "v1");
        Registry.Intercept = context => RedirectAsync(context, path => path.Contains("/manifests/", StringComparison.Ordinal), $"ftp://{Registry.HostPort}/v2/elsewhere");
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(null, $"{Registry.HostPort}/team/app:v1"), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.OK, function.Log);
        var alert = Assert.Single(await team.PullAsync(SecurityTeam.AlertsSubscription, 1));
        Assert.Equal("BAD_REDIRECT", alert.Message.Attributes["reasonCode"]);
    }

    [Fact]
    public async Task Push_TokenRealmOverPlainHttpOnUnlistedHost_QuarantinedInsecureTokenRealm()
    {
        var digest = HostileImages.PushImage(Registry, "team/app", "v1");
        await using var tokens = await LoopbackHttpServer.StartAsync(context => context.Response.WriteAsync("{\"token\":\"t\"}"));
        Registry.Intercept = context =>
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{tokens.HostPort}/token\",service=\"registry\",scope=\"repository:team/app:push,pull\"";
            return Task.FromResult(true);
        };
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = ImageKey.Parse($"{Registry.HostPort}/team/app@{digest}");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        Assert.Contains("INSECURE_TOKEN_REALM", record.Reasons);
        Assert.Equal(0, tokens.RequestCount);
    }

    [Fact]
    public async Task Push_RegistryAnsweringSlowly_QuarantinedVerificationTimeoutWithinTheDeadline()
    {
        var digest = HostileImages.PushImage(Registry, "team/app", "v1");
        Registry.Intercept = async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), context.RequestAborted);
            return false;
        };
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId, settings => settings with { VerificationTimeout = TimeSpan.FromSeconds(2) });
        var key = ImageKey.Parse($"{Registry.HostPort}/team/app@{digest}");
        var stopwatch = Stopwatch.StartNew();

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        Assert.Contains("VERIFICATION_TIMEOUT", record.Reasons);

        // The pushed manifest (1.5 s) is read before the verification's own 2 s deadline starts.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(3.4), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Push_IndexNamingSha512PlatformUnderEveryPlatformRule_QuarantinedUnsupportedDigest()
    {
        var amd64 = HostileImages.PushImage(Registry, "multi/app", "amd64");
        var (index, _) = HostileImages.PushIndexWithSha512Platform(Registry, "multi/app", "v1", amd64);
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);
        var key = ImageKey.Parse($"{Registry.HostPort}/multi/app@{index}");

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(key);
        Assert.Equal(ImageStatus.Quarantined, record!.Status);
        Assert.Single(await team.PullAsync(SecurityTeam.QuarantineSubscription, 1));
        Assert.Contains("UNSUPPORTED_DIGEST", record.Reasons);
    }

    [Fact]
    public async Task Push_TagOnlyWithSha512DockerContentDigest_RecordedUnderTheSha256Digest()
    {
        var digest = HostileImages.PushImage(Registry, "team/app", "v1");
        var sha512 = "sha512:" + Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(HostileImages.ImageJson())));
        Registry.Intercept = context =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Request.Path.Value!.EndsWith("/manifests/v1", StringComparison.Ordinal))
                {
                    context.Response.Headers["Docker-Content-Digest"] = sha512;
                }

                return Task.CompletedTask;
            });
            return Task.FromResult(false);
        };
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        await using var function = await StartAsync(team.Settings.ProjectId);

        using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(null, $"{Registry.HostPort}/team/app:v1"), "m-1", function.ProjectId);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, function.Log);
        var record = await function.Records.GetAsync(ImageKey.Parse($"{Registry.HostPort}/team/app@{digest}"));
        Assert.Equal(ImageStatus.PendingSignature, record!.Status);
    }

    private static Task<bool> RedirectAsync(HttpContext context, Func<string, bool> redirected, string location)
    {
        if (!redirected(context.Request.Path.Value!))
        {
            return Task.FromResult(false);
        }

        context.Response.StatusCode = 302;
        context.Response.Headers.Location = location;
        return Task.FromResult(true);
    }

    private Task<RunningFunction> StartAsync(string projectId, Func<PipelineSettings, PipelineSettings>? adjust = null)
        => RunningFunction.StartAsync<PushVerifierFunction>(
            _environment,
            projectId,
            adjust: settings =>
            {
                var hosts = string.Join(",", settings.Registry.HttpRegistries.Append(Registry.HostPort));
                var adjusted = settings with { Registry = settings.Registry with { HttpRegistries = RegistryClientOptions.ParseHttpRegistries(hosts) } };
                return adjust?.Invoke(adjusted) ?? adjusted;
            },
            policyPath: _policyPath);
}
