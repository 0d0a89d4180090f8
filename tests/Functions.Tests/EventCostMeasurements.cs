using System.Diagnostics;
using System.Globalization;
using System.Net;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport;
using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// What one push event costs us (issue 15, item 4), measured outside the code under test: a published PushVerifier as its own
/// process, its Firestore and Pub/Sub each behind a <see cref="FirestoreReadCounter"/> proxy, one tampered image per event (new
/// record, QUARANTINED, one quarantine event), events sent one at a time so every Google request falls inside the window of the
/// event that caused it. CPU from <c>/proc/PID/stat</c> (utime + stime) over the measured events; round trips from the proxies;
/// the sequential round trips of an event are the longest chain of its requests in which each starts after the previous ended.
/// A second phase sends as many new images again, IMAGETRUST_MEASURE_CONCURRENCY (default 8, Terraform's default
/// max_instance_request_concurrency) at a time, for the CPU per event of a busy instance. Events are confirmed by
/// subscription as Terraform deploys them (IMAGETRUST_MEASURE_CONFIRM=0 marks them sent in the request instead); then one
/// outbox drain tick to a published Reverifier confirms every event, and its CPU and Google requests per event are printed.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class EventCostMeasurements
{
    private const int WarmUpEvents = 20;

    private readonly PipelineEnvironment _environment;

    public EventCostMeasurements(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [MeasureFact]
    public async Task Measure_CpuAndGoogleRoundTripsPerPushEvent()
    {
        var events = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_EVENTS") ?? "1000", CultureInfo.InvariantCulture);
        // The tampered image's signature check (parse the .sig manifest, one ECDSA P-256 verify that fails) is signature crypto:
        // its CPU comes from scripts/bench --cpu ("classic key-based, tlog ignored") and is subtracted, as printed.
        var cryptoMs = double.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_CRYPTO_MS") ?? "0.087", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_CONCURRENCY") ?? "8", CultureInfo.InvariantCulture);
        var confirm = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_CONFIRM") != "0";
        var project = _environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(_environment, project);
        var confirmations = confirm ? await team.CreateConfirmationSubscriptionsAsync() : null;

        var imageCount = WarmUpEvents + (2 * events); // warm-up, one at a time, then as many in flight
        var images = new List<ImageKey>();
        for (var i = 0; i < imageCount; i++)
        {
            images.Add((await _environment.CopyImageAsync("skopeo-tampered", "skopeo", withSignatures: true)).Key);
        }

        await using var firestore = await FirestoreReadCounter.StartAsync(_environment.Emulators.Firestore.HostAndPort);
        await using var pubsub = await FirestoreReadCounter.StartAsync(_environment.Emulators.PubSub.HostAndPort);
        var variables = RunningFunction.Variables(_environment, project);
        variables["FIRESTORE_EMULATOR_HOST"] = firestore.HostPort;
        variables["PUBSUB_EMULATOR_HOST"] = pubsub.HostPort;
        // Production's level by default (Terraform sets none, so Information: the lines the log-based metrics count).
        var logLevel = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_LOG_LEVEL") ?? "Information";
        variables["IMAGETRUST_LOG_LEVEL"] = logLevel;
        if (confirmations is not null)
        {
            variables[ImageEventTopics.ConfirmationsVariable] = confirmations;
        }

        // Runtime settings for the function process only (e.g. DOTNET_gcServer=0), to compare them in the same session.
        foreach (var setting in (Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_FUNCTION_ENV") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = setting.Split('=', 2);
            variables[parts[0]] = parts.Length == 2 ? parts[1] : string.Empty;
        }

        // IMAGETRUST_MEASURE_APP runs another app in the function's place: scripts/measure-event-cost --floor passes the
        // published tests/ExchangeFloor, which makes the same HTTP exchanges and nothing else.
        var (app, mode) = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_APP") is { Length: > 0 } other
            ? (other, "exchanges only")
            : PublishPushVerifier();
        var (reverifierApp, _) = confirm ? FunctionProcess.Publish("Reverifier") : (string.Empty, string.Empty);
        var port = FreePort.Next();
        using var process = await FunctionProcess.StartAsync(app, variables, port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
            for (var i = 0; i < WarmUpEvents; i++)
            {
                await SendAsync(client, images[i], "warm-" + i, project);
            }

            firestore.Reset();
            pubsub.Reset();
            var windows = new List<(long Started, long Ended)>(events);
            var cpuBefore = FunctionProcess.CpuMilliseconds(process);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < events; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(client, images[WarmUpEvents + i], "cost-" + i, project);
                windows.Add((started, Stopwatch.GetTimestamp()));
            }

            var cpuMs = FunctionProcess.CpuMilliseconds(process) - cpuBefore;
            var seconds = watch.Elapsed.TotalSeconds;
            await Task.Delay(1000); // anything the function sends after answering is counted too (it should be nothing)
            var requests = firestore.Requests.Select(r => (Service: "firestore", Request: r)).Concat(pubsub.Requests.Select(r => (Service: "pubsub", Request: r))).ToList();

            // The same events again, CONCURRENCY in flight (a busy instance): the CPU per event without the idle wake-ups of one
            // event at a time. Round trips are attributed in the sequential phase only, where event windows do not overlap.
            var next = WarmUpEvents + events;
            var concurrentCpuBefore = FunctionProcess.CpuMilliseconds(process);
            var concurrentWatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next) - 1) < imageCount)
                {
                    await SendAsync(client, images[index], "busy-" + index, project);
                }
            }));
            var concurrentCpuMs = FunctionProcess.CpuMilliseconds(process) - concurrentCpuBefore;
            var concurrentSeconds = concurrentWatch.Elapsed.TotalSeconds;
            var published = await team.PullAsync(SecurityTeam.QuarantineSubscription, imageCount, TimeSpan.FromSeconds(30));
            var drain = confirm ? await DrainAsync(reverifierApp, variables, project, imageCount, firestore, pubsub) : "  drain: none (events marked sent in the request)";

            var perEvent = windows.Select(w => requests.Where(r => r.Request.Started >= w.Started && r.Request.Ended <= w.Ended).ToList()).ToList();
            var chains = perEvent.Select(list => LongestSequentialChain(list.Select(r => r.Request).ToList())).OrderBy(c => c).ToList();
            var onPath = perEvent.Sum(list => list.Count);
            var kinds = requests.GroupBy(r => $"{r.Service} {r.Request.Method} {r.Request.Kind}")
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count() / (double)events:F2}"));
            string Cpu(double ms) => string.Create(CultureInfo.InvariantCulture, $"cpu_ms_per_event={ms / events:F2} cpu_ms_per_event_excl_crypto={(ms / events) - cryptoMs:F2}");
            var summary = string.Create(
                CultureInfo.InvariantCulture,
                $"confirm_by_subscription={confirm} events={events} {Cpu(cpuMs)} google_round_trips_per_event={requests.Count / (double)events:F2} on_request_path={onPath / (double)events:F2} sequential_per_status_change={chains[^1]} (median {chains[chains.Count / 2]}) quarantine_events_published={published.Count - WarmUpEvents}/{2 * events} seconds={seconds:F1}");
            var busy = string.Create(
                CultureInfo.InvariantCulture,
                $"concurrency={concurrency} {Cpu(concurrentCpuMs)} events_per_second={events / concurrentSeconds:F1}");
            Write(
                summary,
                busy,
                $"  build: {mode} ({app}), log level {logLevel}, function environment [{Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_FUNCTION_ENV")}]; crypto subtracted: {cryptoMs} ms per event (scripts/bench --cpu, classic key-based, tlog ignored)",
                $"  Google requests per event by kind: {string.Join("; ", kinds)}",
                drain,
                $"  machine load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
            Assert.False(process.HasExited, "the function exited");
            Assert.True(published.Count >= imageCount, $"{published.Count} quarantine events for {imageCount} transitions");
            if (confirm)
            {
                Assert.Empty(await team.Admin.PullAsync(SecurityTeam.QuarantineConfirmSubscription, 100)); // the drain acknowledged every confirmation
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    // One drain tick to a published Reverifier once every event is out: what confirming them costs, per event.
    private static async Task<string> DrainAsync(string app, Dictionary<string, string?> variables, string project, int imageCount, FirestoreReadCounter firestore, FirestoreReadCounter pubsub)
    {
        var port = FreePort.Next();
        using var reverifier = await FunctionProcess.StartAsync(app, variables, port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
            firestore.Reset();
            pubsub.Reset();
            var cpuBefore = FunctionProcess.CpuMilliseconds(reverifier);
            var watch = Stopwatch.StartNew();
            using var tick = await Deliveries.SendWorkAsync(client, "{}", "drain-measured", project, ReverificationWork.DrainKind);
            var cpuMs = FunctionProcess.CpuMilliseconds(reverifier) - cpuBefore;
            Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
            var requests = firestore.Requests.Count + pubsub.Requests.Count;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"  drain: one tick confirmed {imageCount} events: cpu_ms_per_event={cpuMs / imageCount:F2} google_requests_per_event={requests / (double)imageCount:F2} (firestore {firestore.Requests.Count}, pubsub {pubsub.Requests.Count}) seconds={watch.Elapsed.TotalSeconds:F1}");
        }
        finally
        {
            reverifier.Kill(entireProcessTree: true);
        }
    }

    private static (string App, string Mode) PublishPushVerifier()
    {
        var (app, mode) = FunctionProcess.Publish("PushVerifier");
        return (app, "PushVerifier " + mode);
    }

    /// <summary>The most requests of one event that ran one after another (each starting after the previous one ended).</summary>
    private static int LongestSequentialChain(List<ForwardedRequest> requests)
    {
        var ordered = requests.OrderBy(r => r.Started).ToList();
        var chain = new int[ordered.Count];
        for (var j = 0; j < ordered.Count; j++)
        {
            chain[j] = 1;
            for (var i = 0; i < j; i++)
            {
                if (ordered[i].Ended <= ordered[j].Started)
                {
                    chain[j] = Math.Max(chain[j], chain[i] + 1);
                }
            }
        }

        return chain.Length == 0 ? 0 : chain.Max();
    }

    private static async Task SendAsync(HttpClient client, ImageKey image, string messageId, string project)
    {
        using var response = await Deliveries.SendAsync(client, DeliveryShape.Binary, Deliveries.GcrInsert(image.ToString()), messageId, project);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static void Write(params string[] lines)
    {
        var path = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_OUT") ?? Path.Combine(RepositoryRoot.Path, ".run", "measure-event-cost.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.AppendAllLines(path, [$"# {DateTimeOffset.UtcNow:u}", .. lines]);
    }
}
