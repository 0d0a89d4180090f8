using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// What a real headless chromium shows and does when it opens an HTML report from a file: read by
/// <c>tests/Browser/inspect-report.mjs</c> (puppeteer-core over Debian's chromium), one browser for all the files given.
/// </summary>
internal sealed record BrowserReportView(
    string Url,
    string? Csp,
    ImmutableArray<BrowserReportView.Row> Rows,
    ImmutableArray<BrowserReportView.Mark> Marks,
    ImmutableArray<BrowserReportView.Row> Events,
    ImmutableArray<string> Requests,
    ImmutableArray<string> ConsoleErrors,
    ImmutableArray<string> PageErrors,
    ImmutableArray<string> Dialogs,
    int Scripts,
    int Images,
    int EventHandlers)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Opens every file in one browser; a missing chromium or puppeteer-core fails with the inspector's message.</summary>
    public static async Task<IReadOnlyList<BrowserReportView>> OpenAsync(params string[] files)
    {
        var root = PolicyTestFiles.RepositoryRoot;
        var start = new ProcessStartInfo("node") { WorkingDirectory = Path.Combine(root, "tests", "Browser") };
        start.ArgumentList.Add(Path.Combine(root, "tests", "Browser", "inspect-report.mjs"));
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        var (exitCode, output, error) = await ChildProcess.RunAsync(start, Timeout);
        Assert.True(exitCode == 0, $"inspect-report.mjs exited {exitCode}: {error}");
        using var json = JsonDocument.Parse(output);
        return [.. json.RootElement.EnumerateArray().Select(Read)];
    }

    private static BrowserReportView Read(JsonElement view) => new(
        view.GetProperty("url").GetString()!,
        view.GetProperty("csp").GetString(),
        [.. view.GetProperty("rows").EnumerateArray().Select(r => new Row(r.GetProperty("status").GetString(), Strings(r.GetProperty("cells"))))],
        [.. view.GetProperty("marks").EnumerateArray().Select(m => new Mark(
            m.GetProperty("image").GetString()!, m.GetProperty("from").GetString()!, m.GetProperty("to").GetString()!, m.GetProperty("at").GetString()!, m.GetProperty("x").GetDouble()))],
        [.. view.GetProperty("events").EnumerateArray().Select(r => new Row(r.GetProperty("id").GetString(), Strings(r.GetProperty("cells"))))],
        Strings(view.GetProperty("requests")),
        Strings(view.GetProperty("consoleErrors")),
        Strings(view.GetProperty("pageErrors")),
        Strings(view.GetProperty("dialogs")),
        view.GetProperty("scripts").GetInt32(),
        view.GetProperty("images").GetInt32(),
        view.GetProperty("eventHandlers").GetInt32());

    private static ImmutableArray<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? string.Empty)];

    /// <summary>A table row: its <c>data-status</c> (status table) or <c>data-id</c> (events), and each cell's text.</summary>
    internal sealed record Row(string? Key, ImmutableArray<string> Cells);

    /// <summary>A transition mark in the chart.</summary>
    internal sealed record Mark(string Image, string From, string To, string At, double X);
}
