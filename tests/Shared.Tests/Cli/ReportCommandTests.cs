using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Pipeline.Records;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Pipeline.Golden;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// <c>imagetrust report</c> on a run recorded through the real record store on the Firestore emulator, with the events its
/// outbox published to the Pub/Sub emulator pulled back as a subscriber pulls them; the report is then opened in a real
/// headless chromium (<see cref="BrowserReportView"/>) and what the browser shows is compared with what was stored and published.
/// </summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class ReportCommandTests : IDisposable
{
    private const string HostileReason = "<script>alert(\"reason\")</script>";
    private const string HostileRule = "\"><img src=x onerror=alert(1)>";
    private const string HostileSummary = "<img src=\"http://127.0.0.1:9/summary.png\"> & <b>bold</b>";
    private static readonly ImageKey Hostile = ImageKey.Parse("europe-docker.pkg.dev/acme-prod/apps/hostile@sha256:" + new string('c', 64));

    // What the run stores (GoldenScenario's history plus one image whose reason, rule and event summary are markup).
    private static readonly ImmutableArray<ExpectedRecord> Records =
    [
        new(GoldenScenario.Quarantined, "QUARANTINED", "prod", "VULNERABILITY_BLOCKED", ["VERIFIED", "QUARANTINED"]),
        new(GoldenScenario.Warned, "WARNED", "dev", "SIGNATURE_INVALID", ["WARNED"]),
        new(GoldenScenario.Unmanaged, "UNMANAGED", "-", "NO_MATCHING_RULE", ["UNMANAGED"]),
        new(Hostile, "QUARANTINED", HostileRule, HostileReason, ["QUARANTINED"]),
    ];

    private readonly GoogleEmulatorsFixture _emulators;
    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();

    public ReportCommandTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Report_RecordedRun_BrowserShowsEveryRecordTransitionAndEventAndLoadsNothing()
    {
        var (report, events) = await RecordRunAndReportAsync();

        var view = Assert.Single(await BrowserReportView.OpenAsync(report));

        Assert.Empty(Mismatches(view, events));
        Assert.Equal(4, view.Rows.Length);
        Assert.Equal(5, view.Marks.Length);
        Assert.Equal(5, events.Count);
        Assert.Equal(events.Count, view.Events.Length);
        var hostileRow = Assert.Single(view.Rows, r => r.Cells[0] == Hostile.Repository);
        Assert.Equal(HostileReason, hostileRow.Cells[4]);
        Assert.Equal(HostileRule, hostileRow.Cells[3]);
        Assert.Contains(view.Events, e => e.Cells[4] == HostileSummary);
    }

    [Fact]
    public async Task Report_TamperedCopies_BrowserViewShowsEachTampering()
    {
        var (report, events) = await RecordRunAndReportAsync();
        var html = await File.ReadAllTextAsync(report);
        var firstRow = Line(html, "<tr data-status=");
        var firstMark = Line(html, "<circle class=\"transition");
        var firstEvent = Line(html, "<tr data-id=");
        var csp = Line(html, "<meta http-equiv=\"Content-Security-Policy\"");
        var tampered = new (string Name, string Html, string Expected)[]
        {
            ("row-removed", Tamper(html, firstRow, string.Empty), "rows:"),
            ("mark-removed", Tamper(html, firstMark, string.Empty), "marks of "),
            ("event-removed", Tamper(html, firstEvent, string.Empty), "events:"),
            ("external-image", Tamper(html, "<body>\n", "<body>\n<img src=\"http://127.0.0.1:9/pixel.png\">\n"), "requests:"),
            ("script", Tamper(html, "<body>\n", "<body>\n<script>alert('injected')</script>\n"), "console errors:"),
            ("script-without-csp", Tamper(Tamper(html, csp, string.Empty), "<body>\n", "<body>\n<script>alert('injected')</script>\n"), "dialogs: injected"),
            ("escaping-undone", Tamper(html, HtmlEncoder.Default.Encode(HostileReason), HostileReason), "rows:"),
        };
        var files = new List<string>();
        foreach (var (name, text, _) in tampered)
        {
            var file = Path.Combine(_directory.Path, name + ".html");
            await File.WriteAllTextAsync(file, text);
            files.Add(file);
        }

        var views = await BrowserReportView.OpenAsync([.. files]);

        Assert.Equal(tampered.Length, views.Count);
        for (var i = 0; i < tampered.Length; i++)
        {
            var mismatches = Mismatches(views[i], events);
            Assert.True(mismatches.Any(m => m.StartsWith(tampered[i].Expected, StringComparison.Ordinal)), $"{tampered[i].Name}: {string.Join(" | ", mismatches)}");
        }

        Assert.Contains(Mismatches(views[4], events), m => m.StartsWith("scripts:", StringComparison.Ordinal));
        Assert.Contains(Mismatches(views[6], events), m => m.StartsWith("scripts:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[]", "not a Pub/Sub pull response")]
    [InlineData("{\"receivedMessages\":[{\"ackId\":\"a\",\"message\":{\"data\":\"bm90IGpzb24=\"}}]}", "message 0:")]
    [InlineData("{\"receivedMessages\":[{\"ackId\":\"a\",\"message\":{\"data\":\"eyJzcGVjdmVyc2lvbiI6IjEuMCJ9\"}}]}", "message 0: the CloudEvent has no id")]
    [InlineData("{\"receivedMessages\":[{\"ackId\":\"a\",\"message\":{}}]}", "message 0: no data")]
    public async Task Report_EventsFileNotPulledImageTrustEvents_Exits2NamingTheFile(string content, string expected)
    {
        var events = Path.Combine(_directory.Path, "events.json");
        await File.WriteAllTextAsync(events, content);
        var cli = new CliHarness(_directory.Path);

        var (exitCode, _, error) = await cli.RunAsync("report", "--html", "report.html", "--events", "events.json");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains($"--events events.json: {expected}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "report.html")));
    }

    // Everything wrong with the view, one line per kind (empty when the browser shows exactly the stored run and loads nothing).
    private static List<string> Mismatches(BrowserReportView view, IReadOnlyList<ExpectedEvent> events)
    {
        var mismatches = new List<string>();
        if (view.Csp != HtmlRunReport.ContentSecurityPolicy)
        {
            mismatches.Add($"csp: {view.Csp}");
        }

        var rows = view.Rows.Select(r => string.Join(" | ", [r.Key, .. r.Cells.Take(6)])).Order(StringComparer.Ordinal).ToList();
        var expectedRows = Records.Select(r => string.Join(" | ", r.Status, r.Key.Repository, r.Key.Digest.ToString(), r.Status, r.Rule, r.Reasons, "no")).Order(StringComparer.Ordinal).ToList();
        if (!rows.SequenceEqual(expectedRows))
        {
            mismatches.Add($"rows: {string.Join(" / ", rows)}");
        }

        foreach (var record in Records)
        {
            // The record's marks, left to right, must be its transitions in order, and later transitions further right.
            var marks = view.Marks.Where(m => m.Image == record.Key.ToString()).OrderBy(m => m.X).ToList();
            if (!marks.Select(m => m.To).SequenceEqual(record.Transitions)
                || !marks.Select(m => m.At).SequenceEqual(marks.Select(m => m.At).Order(StringComparer.Ordinal)))
            {
                mismatches.Add($"marks of {record.Key}: {string.Join(", ", marks.Select(m => $"{m.To}@{m.At}"))}");
            }
        }

        if (view.Marks.Length != Records.Sum(r => r.Transitions.Length))
        {
            mismatches.Add($"marks: {view.Marks.Length}");
        }

        var shown = view.Events.Select(e => $"{e.Key} {e.Cells[1]} {e.Cells[4]}").Order(StringComparer.Ordinal);
        var published = events.Select(e => $"{e.Id} {e.Type} {e.Summary}").Order(StringComparer.Ordinal);
        if (!shown.SequenceEqual(published))
        {
            mismatches.Add($"events: {string.Join(" / ", shown)}");
        }

        if (!view.Requests.SequenceEqual([view.Url]))
        {
            mismatches.Add($"requests: {string.Join(", ", view.Requests)}");
        }

        AddIfAny(mismatches, "console errors", view.ConsoleErrors);
        AddIfAny(mismatches, "page errors", view.PageErrors);
        AddIfAny(mismatches, "dialogs", view.Dialogs);
        if (view.Scripts + view.Images + view.EventHandlers != 0)
        {
            mismatches.Add($"scripts: {view.Scripts}, images: {view.Images}, event handlers: {view.EventHandlers}");
        }

        return mismatches;
    }

    private static void AddIfAny(List<string> mismatches, string what, ImmutableArray<string> found)
    {
        if (!found.IsEmpty)
        {
            mismatches.Add($"{what}: {string.Join(" | ", found)}");
        }
    }

    private static string Line(string html, string start)
    {
        var at = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the report has no '{start}'");
        return html[at..(html.IndexOf('\n', at) + 1)];
    }

    private static string Tamper(string html, string original, string replacement)
    {
        Assert.Contains(original, html, StringComparison.Ordinal);
        var at = html.IndexOf(original, StringComparison.Ordinal);
        return string.Concat(html.AsSpan(0, at), replacement, html.AsSpan(at + original.Length));
    }

    // Records the run through the real store (its outbox publishing to the Pub/Sub emulator), pulls the published events from
    // the team subscriptions as a subscriber would, and writes the report from the CLI against the emulators.
    private async Task<(string Report, IReadOnlyList<ExpectedEvent> Events)> RecordRunAndReportAsync()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);
        await scenario.PublishPendingAsync();
        scenario.Clock.Advance(TimeSpan.FromMinutes(1));
        await scenario.Store.ApplyAsync(Hostile, "push-h", _ => RecordChange.To(ImageStatus.Quarantined, HostileReason) with
        {
            PolicyRule = HostileRule,
            PolicyVersion = GoldenScenario.PolicyVersion,
            Events = [ImageEvent.Quarantined(ImageEventSeverities.Critical, HostileSummary)],
        });

        var published = scenario.Publisher.Published.Select(p => ExpectedEvent.From(p.Message.Data)).ToList();
        var eventFiles = new List<string>();
        foreach (var topic in new[] { GoldenScenario.QuarantineTopic, GoldenScenario.AlertsTopic, GoldenScenario.VerifiedTopic })
        {
            eventFiles.AddRange(await PullAsync(scenario, topic, scenario.Publisher.Published.Count(p => p.Topic == topic)));
        }

        var cli = new CliHarness(_directory.Path) { CreateRecordReader = ProductionServices.Create().CreateRecordReader };
        cli.SetEnvironment("GOOGLE_CLOUD_PROJECT", scenario.Settings.ProjectId);
        cli.SetEnvironment("FIRESTORE_EMULATOR_HOST", _emulators.Firestore.HostAndPort);
        var report = Path.Combine(_directory.Path, "report.html");
        var (exitCode, output, error) = await cli.RunAsync(["report", "--html", "report.html", .. eventFiles.SelectMany(f => new[] { "--events", f })]);

        Assert.True(exitCode == ExitCodes.Verified, error);
        Assert.Equal($"report: {report} (4 records, 5 transitions, {published.Count} events)\n", output.ReplaceLineEndings("\n"));
        return (report, published);
    }

    // Pulls the subscription until it has given `expected` messages, each pull response written as its own file.
    private async Task<IReadOnlyList<string>> PullAsync(GoldenScenario scenario, string topic, int expected)
    {
        using var http = new HttpClient();
        var url = $"http://{_emulators.PubSub.HostAndPort}/v1/projects/{scenario.Settings.ProjectId}/subscriptions/{topic}-team:pull";
        var files = new List<string>();
        var received = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (received < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{topic}: pulled {received} of {expected} messages");
            using var response = await http.PostAsync(url, new StringContent("{\"returnImmediately\":true,\"maxMessages\":100}", Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var count = json.RootElement.TryGetProperty("receivedMessages", out var messages) ? messages.GetArrayLength() : 0;
            if (count > 0)
            {
                var file = Path.Combine(_directory.Path, $"{topic}-{files.Count}.json");
                await File.WriteAllTextAsync(file, body);
                files.Add(file);
                received += count;
            }
            else
            {
                await Task.Delay(200);
            }
        }

        return files;
    }

    private sealed record ExpectedRecord(ImageKey Key, string Status, string Rule, string Reasons, ImmutableArray<string> Transitions);

    // An event as published (the CloudEvent in the message's data), read independently of the report's parser.
    private sealed record ExpectedEvent(string Id, string Type, string Summary)
    {
        public static ExpectedEvent From(ReadOnlyMemory<byte> data)
        {
            using var json = JsonDocument.Parse(data);
            var root = json.RootElement;
            return new(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!, root.GetProperty("data").GetProperty("summary").GetString()!);
        }
    }
}
