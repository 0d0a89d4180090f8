using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Reverifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Registry;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// Load figures for ISSUE-4's targets, written to <c>IMAGETRUST_MEASURE_OUT</c> (default <c>.run/measure-pipeline.txt</c>):
/// event received → status written → event published at 16 concurrent events (in-process host on Kestrel, emulators,
/// loopback registry), and a published function process's cold start and RSS idle and at 200 concurrent events.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineMeasurements
{
    private readonly PipelineEnvironment _environment;

    public PipelineMeasurements(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    /// <summary>
    /// Latency and duplicate events at <c>IMAGETRUST_MEASURE_CONCURRENCY</c> concurrent events (default 16). With
    /// <c>IMAGETRUST_MEASURE_REDELIVER=1</c> each event is also delivered, with the same message id at the same moment, to a
    /// second instance of the function (Pub/Sub's at-least-once redelivery landing on another Cloud Run instance).
    /// Duplicates are counted from a pull subscription: events published per CloudEvent id, against the transitions.
    /// </summary>
    [MeasureFact]
    public async Task Measure_EndToEndLatencyAt16Concurrent()
    {
        var concurrency = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_CONCURRENCY") ?? "16", CultureInfo.InvariantCulture);
        var perWorker = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_PER_WORKER") ?? "10", CultureInfo.InvariantCulture);
        var redeliver = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_REDELIVER") == "1";
        var confirm = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_CONFIRM") != "0";
        using var team = await SecurityTeam.CreateAsync(_environment, _environment.Emulators.NewProjectId());
        var variables = new Dictionary<string, string>();
        if (confirm)
        {
            // As Terraform deploys it: events confirmed by subscription, marked sent by the Reverifier's drain tick below.
            variables[ImageEventTopics.ConfirmationsVariable] = await team.CreateConfirmationSubscriptionsAsync();
        }

        await using var function = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, team.Settings.ProjectId, extraVariables: variables);
        await using var second = redeliver ? await RunningFunction.StartAsync<PushVerifierFunction>(_environment, team.Settings.ProjectId, extraVariables: variables) : null;
        var images = new List<ImageKey>();
        for (var i = 0; i < concurrency * (perWorker + 1); i++)
        {
            images.Add((await _environment.CopyImageAsync("skopeo-tampered", "skopeo", withSignatures: true)).Key);
        }

        // Warm-up: one event per worker, not timed (its transition and event are counted with the rest).
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => DeliverAsync(function, second, images[w], "warm-" + w)));
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                var image = images[concurrency + (w * perWorker) + i];
                var started = Stopwatch.GetTimestamp();
                await DeliverAsync(function, second, image, $"m-{w}-{i}");
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        }));
        var total = watch.Elapsed;
        var transitions = 0;
        foreach (var image in images)
        {
            transitions += (await function.Records.GetAsync(image))?.History.Length ?? 0;
        }

        // Late duplicates (a second publisher finishing after the first) arrive within the extra wait.
        var published = await team.PullAsync(SecurityTeam.QuarantineSubscription, transitions, TimeSpan.FromSeconds(30));
        var pending = 0;
        if (confirm)
        {
            await using var reverifier = await RunningFunction.StartAsync<ReverifierFunction>(_environment, team.Settings.ProjectId, extraVariables: variables);
            await ReverifyWork.WireAsync(_environment, team.Settings.ProjectId, reverifier);
            using var tick = await Deliveries.SendWorkAsync(reverifier.Client, "{}", "drain", team.Settings.ProjectId, ReverificationWork.DrainKind);
            Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
            foreach (var image in images)
            {
                pending += (await function.Records.GetAsync(image))?.PendingEvents ?? 0;
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        published.AddRange(await team.PullAsync(SecurityTeam.QuarantineSubscription, 0, TimeSpan.Zero));
        var distinct = published.Select(CloudEventId).Distinct(StringComparer.Ordinal).Count();
        var duplicates = published.Count - distinct;

        latencies.Sort();
        Write(
            $"end-to-end (event received -> QUARANTINED written -> quarantine event published), in-process host on Kestrel, emulators, loopback docker-registry{(redeliver ? "; every event also redelivered (same message id) to a second instance at once" : string.Empty)}",
            $"  {latencies.Count} events at {concurrency} concurrent: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms, throughput {latencies.Count / total.TotalSeconds:F1}/s",
            $"  duplicates: {published.Count} quarantine events pulled for {transitions} transitions (warm-up included), {distinct} distinct CloudEvent ids, {duplicates} duplicate(s) = {100.0 * duplicates / Math.Max(1, transitions):F2}%",
            confirm ? $"  confirmed by subscription: one drain tick after the run left {pending} event(s) pending" : "  marked sent in the request (IMAGETRUST_MEASURE_CONFIRM=0)",
            $"  machine load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        Assert.Equal(transitions, distinct);
        Assert.Equal(0, pending);
    }

    /// <summary>
    /// Cold start (process start -> listening, 10 runs) and RSS idle and at 200 concurrent events of a published PushVerifier:
    /// by default the app <c>scripts/run-function</c> publishes (Native AOT when a clang is installed, else ReadyToRun).
    /// <c>IMAGETRUST_MEASURE_APPS</c> measures other builds side by side: entries separated by <c>;</c>, each
    /// <c>label|path|VAR=value VAR=value</c> (the variables are runtime knobs such as <c>DOTNET_TieredPGO=0</c>).
    /// </summary>
    [MeasureFact]
    public async Task Measure_ProcessColdStartAndMemory()
    {
        // 200 distinct images (signed and tampered copies in their own repositories), so the load is 200 documents and 200
        // verifications, not contention on a few; each app gets a fresh project, so every image is new to it.
        var images = new List<ImageKey>();
        for (var i = 0; i < 200; i++)
        {
            images.Add((await _environment.CopyImageAsync(i % 2 == 0 ? "skopeo-signed" : "skopeo-tampered", "skopeo", withSignatures: true)).Key);
        }

        foreach (var (label, app, knobs) in MeasuredApps())
        {
            await MeasureAppAsync(label, app, knobs, images);
        }
    }

    private async Task MeasureAppAsync(string label, string app, IReadOnlyDictionary<string, string> knobs, List<ImageKey> images)
    {
        const int runs = 10;
        var project = _environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(_environment, project);

        // A registry that answers every request slowly, with 429 and Retry-After: memory must stay flat while it does.
        await using var throttling = await LoopbackHttpServer.StartAsync(async context =>
        {
            await Task.Delay(500);
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "1";
        });
        var starts = new List<double>();
        Process? process = null;
        var port = 0;
        for (var run = 0; run < runs; run++)
        {
            process?.Kill(entireProcessTree: true);
            process?.Dispose();
            port = FreePort.Next();
            var info = new ProcessStartInfo(app) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (name, value) in RunningFunction.Variables(_environment, project))
            {
                info.Environment[name] = value;
            }

            foreach (var (name, value) in knobs)
            {
                info.Environment[name] = value;
            }

            info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
            info.Environment["IMAGETRUST_HTTP_REGISTRIES"] += "," + throttling.HostPort;
            info.Environment["IMAGETRUST_LISTEN_ADDRESS"] = "127.0.0.1";
            info.Environment["IMAGETRUST_LOG_LEVEL"] = "Warning";
            var watch = Stopwatch.StartNew();
            process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            while (!await FunctionProcess.ListeningAsync(port))
            {
                Assert.False(process.HasExited, $"{app} exited before listening");
            }

            starts.Add(watch.Elapsed.TotalMilliseconds);
        }

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        var warm = await Deliveries.SendAsync(client, DeliveryShape.Binary, Deliveries.GcrInsert(Key("skopeo-signed").ToString()), "warm", project);
        Assert.Equal(HttpStatusCode.NoContent, warm.StatusCode);
        await Task.Delay(2000);
        var idle = Rss(process!);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(process!));
                await Task.Delay(20);
            }
        });
        var statuses = await Task.WhenAll(images.Select(async (image, i) =>
        {
            using var response = await Deliveries.SendAsync(client, DeliveryShape.Binary, Deliveries.GcrInsert(image.ToString()), "load-" + i, project);
            return response.StatusCode;
        }));
        await sampling.CancelAsync();
        await sampler;
        await Task.Delay(2000);
        var after = Rss(process!);
        Assert.False(process!.HasExited, $"{app} exited under load");

        long throttledPeak = 0;
        using var throttledSampling = new CancellationTokenSource();
        var throttledSampler = Task.Run(async () =>
        {
            while (!throttledSampling.IsCancellationRequested)
            {
                throttledPeak = Math.Max(throttledPeak, Rss(process!));
                await Task.Delay(20);
            }
        });
        var throttledStatuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));
            using var response = await Deliveries.SendAsync(client, DeliveryShape.Binary, Deliveries.GcrInsert($"{throttling.HostPort}/skopeo/throttled@{digest}"), "throttled-" + i, project);
            return response.StatusCode;
        }));
        await throttledSampling.CancelAsync();
        await throttledSampler;
        Assert.False(process.HasExited, $"{app} exited while the registry throttled");
        process.Kill(entireProcessTree: true);
        process.Dispose();

        starts.Sort();
        var knobText = knobs.Count == 0 ? string.Empty : " " + string.Join(' ', knobs.Select(k => $"{k.Key}={k.Value}"));
        Write(
            $"function process: {label} ({app}{knobText}; pipeline configured against the emulators)",
            $"  cold start, process start -> listening, {runs} runs: median {(starts[(runs / 2) - 1] + starts[runs / 2]) / 2:F0} ms, min {starts[0]:F0} ms, max {starts[^1]:F0} ms",
            $"  RSS idle (after one event): {idle / 1024.0 / 1024:F1} MB; peak at 200 concurrent events: {peak / 1024.0 / 1024:F1} MB; 2 s after: {after / 1024.0 / 1024:F1} MB; answers {string.Join(", ", statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Count()}x {g.Key}"))}",
            $"  registry answering every request after 500 ms with 429 + Retry-After: 1 (200 concurrent events, {throttling.RequestCount} registry requests): RSS peak {throttledPeak / 1024.0 / 1024:F1} MB; answers {string.Join(", ", throttledStatuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Count()}x {g.Key}"))}",
            $"  machine load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static List<(string Label, string App, IReadOnlyDictionary<string, string> Knobs)> MeasuredApps()
    {
        var configured = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_APPS");
        if (string.IsNullOrWhiteSpace(configured))
        {
            var (app, mode) = FunctionProcess.Publish("PushVerifier");
            return [($"PushVerifier published by scripts/run-function ({mode})", app, new Dictionary<string, string>())];
        }

        return configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var parts = entry.Split('|');
            var knobs = parts.Length > 2
                ? parts[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(k => k.Split('=', 2)).ToDictionary(k => k[0], k => k[1])
                : new Dictionary<string, string>();
            return (parts[0], parts[1], (IReadOnlyDictionary<string, string>)knobs);
        }).ToList();
    }

    private static long Rss(Process process)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task DeliverAsync(RunningFunction function, RunningFunction? second, ImageKey image, string messageId)
    {
        // The redelivery may also answer 503 (Pub/Sub would deliver it again later; here the first delivery settles it).
        await Task.WhenAll(second is null ? [SendAsync(function, image, messageId)] : [SendAsync(function, image, messageId), SendAsync(second, image, messageId, HttpStatusCode.ServiceUnavailable)]);
    }

    // A 503 is delivered again, as Pub/Sub would (after a second here): on an overloaded machine a registry or emulator call
    // may time out; the latency then includes the redelivery.
    private static async Task SendAsync(RunningFunction function, ImageKey image, string messageId, HttpStatusCode? alsoAccepted = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await Deliveries.SendAsync(function.Client, DeliveryShape.Binary, Deliveries.GcrInsert(image.ToString()), messageId, function.ProjectId);
            if (response.StatusCode == HttpStatusCode.NoContent || response.StatusCode == alsoAccepted)
            {
                return;
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10, $"{image}: {response.StatusCode} after {attempt} attempt(s)");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static string CloudEventId(ReceivedPubSubMessage message)
    {
        using var json = System.Text.Json.JsonDocument.Parse(message.Message.Data);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static void Write(params string[] lines)
    {
        var path = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_OUT") ?? Path.Combine(RepositoryRoot.Path, ".run", "measure-pipeline.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"# {DateTimeOffset.UtcNow:u}");
        foreach (var line in lines)
        {
            text.AppendLine(line);
        }

        lock (typeof(PipelineMeasurements))
        {
            File.AppendAllText(path, text.ToString());
        }
    }

    private ImageKey Key(string scenario)
    {
        var fixture = _environment.Fixtures.Scenario(scenario);
        return ImageKey.Parse($"{_environment.RegistryHost}/{fixture.Repository}@{fixture.Digest}");
    }
}
