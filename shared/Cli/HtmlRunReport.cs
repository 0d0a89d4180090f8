using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Cli;

/// <summary>
/// The HTML report of a run, one self-contained file: the status table, the transitions over time (inline SVG, one mark per
/// recorded transition) and the events published. It loads nothing: a Content-Security-Policy allows only its own style block
/// (by hash), so no script, image, font or frame runs or loads even if markup got in; and every value is HTML-encoded.
/// </summary>
internal static class HtmlRunReport
{
    private const int ChartLeft = 330;
    private const int ChartWidth = 600;
    private const int LaneHeight = 26;
    private const int ChartTop = 16;
    private const int MarkRadius = 6;

    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330}
        h1{font-size:22px}h2{font-size:17px;margin-top:28px}
        table{border-collapse:collapse;width:100%}
        th,td{border-bottom:1px solid #d7dbe3;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f2f4f8}
        code{font-size:12px;white-space:nowrap}
        .status{font-weight:600}
        .s-VERIFIED{color:#17803d;fill:#17803d}
        .s-QUARANTINED{color:#c62828;fill:#c62828}
        .s-PENDING_SIGNATURE{color:#a86b00;fill:#d18b00}
        .s-WARNED{color:#b45309;fill:#e07b12}
        .s-UNMANAGED{color:#5b6472;fill:#8a93a3}
        .s-DELETED{color:#3b4250;fill:#3b4250}
        .lane{stroke:#c3c9d4;stroke-width:2}
        .axis{font-size:11px;fill:#5b6472}
        .label{font-size:11px;fill:#1d2330}
        .empty{color:#5b6472}
        """;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>The Content-Security-Policy the report carries: nothing loads or runs except its own style block.</summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; base-uri 'none'; form-action 'none'";

    /// <summary>Renders the report.</summary>
    /// <param name="records">The records, in table order.</param>
    /// <param name="events">The events published, in any order (shown by time).</param>
    /// <param name="generatedAt">When the report was made.</param>
    public static string Render(IReadOnlyList<ImageRecord> records, IReadOnlyList<PublishedEventReport> events, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(Encode(ContentSecurityPolicy)).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>ImageTrust report</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>ImageTrust report</h1>\n<p id=\"generated\">Generated ").Append(Encode(StatusCommand.Format(generatedAt)))
            .Append(CultureInfo.InvariantCulture, $": {records.Count} image{Plural(records.Count)}, {records.Sum(r => r.History.Length)} transition{Plural(records.Sum(r => r.History.Length))}, {events.Count} event{Plural(events.Count)}.</p>\n");
        AppendSummary(html, records);
        AppendStatusTable(html, records);
        AppendTransitions(html, records);
        AppendEvents(html, events);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, IReadOnlyList<ImageRecord> records)
    {
        html.Append("<ul id=\"summary\">\n");
        foreach (var group in records.GroupBy(r => r.Status).OrderBy(g => g.Key))
        {
            var status = group.Key.ToWire();
            html.Append("<li><span class=\"status s-").Append(status).Append("\">").Append(status).Append("</span>: ")
                .Append(group.Count().ToString(CultureInfo.InvariantCulture)).Append("</li>\n");
        }

        html.Append("</ul>\n");
    }

    private static void AppendStatusTable(StringBuilder html, IReadOnlyList<ImageRecord> records)
    {
        html.Append("<h2>Statuses</h2>\n<table id=\"status-table\">\n<thead><tr><th>Repository</th><th>Digest</th><th>Status</th><th>Rule</th><th>Reasons</th><th>Attested</th><th>Updated</th></tr></thead>\n<tbody>\n");
        foreach (var record in records)
        {
            var status = record.Status.ToWire();
            html.Append("<tr data-status=\"").Append(status).Append("\">")
                .Append("<td>").Append(Encode(record.Key.Repository)).Append("</td>")
                .Append("<td><code>").Append(Encode(record.Key.Digest.ToString())).Append("</code></td>")
                .Append("<td class=\"status s-").Append(status).Append("\">").Append(status).Append("</td>")
                .Append("<td>").Append(Encode(record.PolicyRule ?? "-")).Append("</td>")
                .Append("<td>").Append(Encode(record.Reasons.Length == 0 ? "-" : string.Join(", ", record.Reasons))).Append("</td>")
                .Append("<td>").Append(StatusCommand.Attested(record)).Append("</td>")
                .Append("<td>").Append(Encode(record.Updated is { } updated ? StatusCommand.Format(updated) : "-")).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    // One lane per image, one mark per recorded transition, placed by its time between the earliest and the latest transition.
    private static void AppendTransitions(StringBuilder html, IReadOnlyList<ImageRecord> records)
    {
        html.Append("<h2>Transitions over time</h2>\n");
        var times = records.SelectMany(r => r.History).Select(t => t.At).ToList();
        if (times.Count == 0)
        {
            html.Append("<p class=\"empty\">No transitions recorded.</p>\n");
            return;
        }

        var start = times.Min();
        var span = Math.Max((times.Max() - start).TotalMilliseconds, 1);
        var height = ChartTop + (records.Count * LaneHeight) + 30;
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"transitions-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartLeft + ChartWidth + 20}\" height=\"{height}\" role=\"img\" aria-label=\"status transitions over time\">\n");
        for (var lane = 0; lane < records.Count; lane++)
        {
            var record = records[lane];
            var y = ChartTop + (lane * LaneHeight) + (LaneHeight / 2);
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"0\" y=\"{y + 4}\">").Append(Encode(Shorten(record.Key.ToString()))).Append("</text>\n");
            html.Append(CultureInfo.InvariantCulture, $"<line class=\"lane\" x1=\"{ChartLeft}\" y1=\"{y}\" x2=\"{ChartLeft + ChartWidth}\" y2=\"{y}\"/>\n");
            foreach (var transition in record.History)
            {
                var x = ChartLeft + ((transition.At - start).TotalMilliseconds / span * ChartWidth);
                var to = transition.To.ToWire();
                var at = Encode(FormatPrecise(transition.At));
                html.Append(CultureInfo.InvariantCulture, $"<circle class=\"transition s-{to}\" cx=\"{x:0.##}\" cy=\"{y}\" r=\"{MarkRadius}\" data-image=\"")
                    .Append(Encode(record.Key.ToString())).Append("\" data-from=\"").Append(transition.From?.ToWire() ?? string.Empty)
                    .Append("\" data-to=\"").Append(to).Append("\" data-at=\"").Append(at).Append("\"><title>")
                    .Append(Encode(record.Key.ToString())).Append(": ").Append(transition.From?.ToWire() ?? "new").Append(" → ").Append(to)
                    .Append(" at ").Append(at);
                if (transition.Reasons.Length > 0)
                {
                    html.Append(" (").Append(Encode(string.Join(", ", transition.Reasons))).Append(')');
                }

                html.Append("</title></circle>\n");
            }
        }

        var axisY = height - 8;
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{ChartLeft}\" y=\"{axisY}\">").Append(Encode(StatusCommand.Format(start))).Append("</text>\n")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{ChartLeft + ChartWidth}\" y=\"{axisY}\" text-anchor=\"end\">").Append(Encode(StatusCommand.Format(times.Max()))).Append("</text>\n")
            .Append("</svg>\n");
    }

    private static void AppendEvents(StringBuilder html, IReadOnlyList<PublishedEventReport> events)
    {
        html.Append("<h2>Events published</h2>\n");
        if (events.Count == 0)
        {
            html.Append("<p class=\"empty\">No events were given (imagetrust report --events FILE).</p>\n");
        }

        html.Append("<table id=\"event-table\">\n<thead><tr><th>Time</th><th>Type</th><th>Severity</th><th>Image</th><th>Summary</th><th>Reasons</th><th>Id</th></tr></thead>\n<tbody>\n");
        foreach (var item in events.OrderBy(e => e.Time).ThenBy(e => e.Id, StringComparer.Ordinal))
        {
            html.Append("<tr data-id=\"").Append(Encode(item.Id)).Append("\">")
                .Append("<td>").Append(Encode(FormatPrecise(item.Time))).Append("</td>")
                .Append("<td>").Append(Encode(item.Type)).Append("</td>")
                .Append("<td>").Append(Encode(item.Severity)).Append("</td>")
                .Append("<td><code>").Append(Encode(item.Image ?? "-")).Append("</code></td>")
                .Append("<td>").Append(Encode(item.Summary)).Append("</td>")
                .Append("<td>").Append(Encode(item.Reasons.Length == 0 ? "-" : string.Join(", ", item.Reasons))).Append("</td>")
                .Append("<td><code>").Append(Encode(item.Id)).Append("</code></td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string Encode(string text) => Encoder.Encode(text);

    private static string FormatPrecise(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    // The chart's lane label: the repository's last segment and the digest's start (the table has them in full).
    private static string Shorten(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var repository = at < 0 ? image : image[..at];
        var name = repository[(repository.LastIndexOf('/') + 1)..];
        var digest = at < 0 ? string.Empty : image[(at + 1)..];
        var label = $"{name}@{digest[..Math.Min(digest.Length, 19)]}…";
        return label.Length > 48 ? label[..47] + "…" : label;
    }

    private static string Plural(int count) => count == 1 ? string.Empty : "s";
}
