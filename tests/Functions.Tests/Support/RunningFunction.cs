using System.Globalization;
using ImageTrust.Hosting;
using ImageTrust.Model.Http;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Records;
using ImageTrust.Registry;
using ImageTrust.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>
/// One function on the real host and real Kestrel (a free loopback port), configured from environment variables exactly as in
/// production and pointed at the <see cref="PipelineEnvironment"/>; services can be substituted before the pipeline's own.
/// </summary>
internal sealed class RunningFunction : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StringWriter _log;

    private RunningFunction(WebApplication app, StringWriter log, int port, string projectId)
    {
        _app = app;
        _log = log;
        ProjectId = projectId;
        Url = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(120) };
    }

    public string ProjectId { get; }

    public Uri Url { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public ImageRecordStore Records => Services.GetRequiredService<ImageRecordStore>();

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static Dictionary<string, string?> Variables(PipelineEnvironment environment, string projectId, string? policyPath = null) => new()
    {
        ["GOOGLE_CLOUD_PROJECT"] = projectId,
        ["PUBSUB_EMULATOR_HOST"] = environment.Emulators.PubSub.HostAndPort,
        ["FIRESTORE_EMULATOR_HOST"] = environment.Emulators.Firestore.HostAndPort,
        ["IMAGETRUST_POLICY"] = policyPath ?? environment.PolicyPath,
        ["IMAGETRUST_HTTP_REGISTRIES"] = string.Create(CultureInfo.InvariantCulture, $"{environment.RegistryHost},127.0.0.1:{environment.ClosedPort}"),
        ["IMAGETRUST_CONTAINERANALYSIS_ENDPOINT"] = environment.Analysis.BaseUri.ToString(),
    };

    public static async Task<RunningFunction> StartAsync<TFunction>(
        PipelineEnvironment environment,
        string projectId,
        Action<IServiceCollection>? substitute = null,
        Func<PipelineSettings, PipelineSettings>? adjust = null,
        string? policyPath = null)
        where TFunction : class, IPubSubFunction
    {
        var port = FreePort.Next();
        var variables = Variables(environment, projectId, policyPath);
        variables["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        var settings = PipelineSettings.FromEnvironment(variables.GetValueOrDefault) with
        {
            // A registry outage must turn into a 503 within the test's patience, not the production minute.
            Registry = new RegistryClientOptions
            {
                HttpRegistries = RegistryClientOptions.ParseHttpRegistries(variables["IMAGETRUST_HTTP_REGISTRIES"]),
                Retry = new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(100), AttemptTimeout = TimeSpan.FromSeconds(2), TotalTimeout = TimeSpan.FromSeconds(5) },
            },
        };
        settings = adjust?.Invoke(settings) ?? settings;
        var log = new StringWriter();
        var app = FunctionHost.Build(
            [],
            host => host
                .ConfigureServices((_, services) =>
                {
                    substitute?.Invoke(services);
                    PipelineServices.Add(services, settings);
                })
                .AddFunction<TFunction>(),
            FunctionHostEnvironment.FromVariables(variables),
            new LockedWriter(log));
        await app.StartAsync();
        return new RunningFunction(app, log, port, projectId);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
