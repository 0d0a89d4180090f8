using System.Globalization;
using ImageTrust.Hosting;
using ImageTrust.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>
/// The host on real Kestrel on a free loopback port, serving <see cref="ProbeFunction"/> with a <see cref="RecordingAlerter"/>,
/// its log captured in memory.
/// </summary>
internal sealed class RunningFunctionHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StringWriter _log;

    private RunningFunctionHost(WebApplication app, StringWriter log, int port, FunctionProbe probe, RecordingAlerter alerter)
    {
        _app = app;
        _log = log;
        Probe = probe;
        Alerter = alerter;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public FunctionProbe Probe { get; }

    public RecordingAlerter Alerter { get; }

    /// <summary>The log lines written so far.</summary>
    public string[] LogLines
    {
        get
        {
            lock (_log)
            {
                return _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
    }

    public static async Task<RunningFunctionHost> StartAsync(
        IReadOnlyDictionary<string, string?>? variables = null,
        Action<FunctionHostBuilder>? configure = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string?>(variables ?? new Dictionary<string, string?>())
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
        };
        var probe = new FunctionProbe();
        var alerter = new RecordingAlerter();
        var log = new StringWriter();
        var app = FunctionHost.Build(
            [],
            host =>
            {
                host.ConfigureServices((_, services) => services
                        .AddSingleton(probe)
                        .AddSingleton<IPermanentFailureAlerter>(alerter))
                    .AddFunction<ProbeFunction>();
                configure?.Invoke(host);
            },
            FunctionHostEnvironment.FromVariables(environment),
            new LockedWriter(log));
        await app.StartAsync();
        return new RunningFunctionHost(app, log, port, probe, alerter);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
