using System.CommandLine;
using System.Globalization;
using System.Text;
using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>
/// <c>imagetrust report --html FILE [--events PULLED.json]… [--limit N]</c> writes the HTML report of the recorded images (status
/// table, transitions over time) and of the events a subscriber pulled. Reads Firestore as <c>status</c> does. Exit 0 written,
/// 2 usage or configuration, 3 Firestore unavailable.
/// </summary>
internal static class ReportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliServices services, CliConsole console)
    {
        var html = new Option<string>("--html") { Description = "Write the HTML report to this file.", Required = true };
        var events = new Option<string[]>("--events")
        {
            Description = "A Pub/Sub pull response (subscriptions.pull's JSON) of events ImageTrust published; may be repeated.",
            AllowMultipleArgumentsPerToken = false,
        };
        var limit = new Option<int>("--limit") { Description = "At most this many records.", DefaultValueFactory = _ => 1000 };
        var command = new Command("report", "Write an HTML report of the recorded statuses, their transitions and the events published.") { html, events, limit };
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(console, null, false, () => WriteAsync(result, cancellationToken), cancellationToken));
        return command;

        async Task<int> WriteAsync(ParseResult result, CancellationToken cancellationToken)
        {
            var published = (result.GetValue(events) ?? [])
                .SelectMany(path => PulledEventFile.Read(console.ResolvePath(path), $"--events {path}"))
                .ToList();
            var records = await StatusCommand.ReadRecordsAsync(services.CreateRecordReader(console), null, result.GetValue(limit), cancellationToken).ConfigureAwait(false);
            var path = console.ResolvePath(result.GetValue(html)!);
            var text = HtmlRunReport.Render(records, published, services.Clock.GetUtcNow());
            try
            {
                await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"--html {result.GetValue(html)}: {e.Message}", e);
            }

            var transitions = records.Sum(r => r.History.Length);
            await TerminalText.WriteLineAsync(console.Out, string.Create(CultureInfo.InvariantCulture, $"report: {path} ({records.Count} records, {transitions} transitions, {published.Count} events)")).ConfigureAwait(false);
            return ExitCodes.Verified;
        }
    }
}
