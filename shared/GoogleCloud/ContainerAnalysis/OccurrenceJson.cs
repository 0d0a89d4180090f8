using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>Tolerant, bounded parsing of Container Analysis JSON: unknown fields are ignored, unknown enum values become "unspecified".</summary>
internal static class OccurrenceJson
{
    /// <summary>The most package issues read from one occurrence.</summary>
    public const int MaxPackageIssues = 1000;

    /// <summary>Parses an <c>Occurrence</c> object.</summary>
    /// <exception cref="FormatException">The JSON is not an occurrence object with a name.</exception>
    public static Occurrence ParseOccurrence(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || String(element, "name") is not { Length: > 0 } name)
        {
            throw new FormatException("an occurrence must be a JSON object with a name");
        }

        var kind = String(element, "kind") ?? "NOTE_KIND_UNSPECIFIED";
        var noteName = String(element, "noteName") ?? string.Empty;
        VulnerabilityOccurrence? vulnerability = null;
        if (element.TryGetProperty("vulnerability", out var v) && v.ValueKind == JsonValueKind.Object)
        {
            vulnerability = ParseVulnerability(v, noteName);
        }

        DiscoveryOccurrence? discovery = null;
        if (element.TryGetProperty("discovery", out var d) && d.ValueKind == JsonValueKind.Object)
        {
            discovery = new DiscoveryOccurrence(String(d, "analysisStatus") ?? "ANALYSIS_STATUS_UNSPECIFIED", String(d, "continuousAnalysis"), Time(d, "lastScanTime"));
        }

        var hasAttestation = element.TryGetProperty("attestation", out var a) && a.ValueKind == JsonValueKind.Object
            || element.TryGetProperty("dsseAttestation", out var da) && da.ValueKind == JsonValueKind.Object;
        return new Occurrence(name, kind, String(element, "resourceUri") ?? string.Empty, noteName, Time(element, "createTime"), Time(element, "updateTime"), vulnerability, discovery, hasAttestation);
    }

    /// <summary>Parses a <c>ListOccurrencesResponse</c>.</summary>
    /// <exception cref="FormatException">An occurrence is malformed.</exception>
    public static OccurrencePage ParsePage(JsonElement element)
    {
        var items = ImmutableArray.CreateBuilder<Occurrence>();
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("occurrences", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                items.Add(ParseOccurrence(item));
            }
        }

        var next = element.ValueKind == JsonValueKind.Object ? String(element, "nextPageToken") : null;
        return new OccurrencePage(items.ToImmutable(), string.IsNullOrEmpty(next) ? null : next);
    }

    /// <summary>Parses a <c>VulnerabilityOccurrencesSummary</c>.</summary>
    public static ImmutableArray<FixableTotalByDigest> ParseSummary(JsonElement element)
    {
        var rows = ImmutableArray.CreateBuilder<FixableTotalByDigest>();
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("counts", out var counts) && counts.ValueKind == JsonValueKind.Array)
        {
            foreach (var row in counts.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                rows.Add(new FixableTotalByDigest(String(row, "resourceUri") ?? string.Empty, ParseSeverity(String(row, "severity")), Int64(row, "fixableCount"), Int64(row, "totalCount")));
            }
        }

        return rows.ToImmutable();
    }

    /// <summary>Maps a severity name; unknown or missing is <see cref="Severity.Unspecified"/>.</summary>
    public static Severity ParseSeverity(string? text) => text switch
    {
        "MINIMAL" => Severity.Minimal,
        "LOW" => Severity.Low,
        "MEDIUM" => Severity.Medium,
        "HIGH" => Severity.High,
        "CRITICAL" => Severity.Critical,
        _ => Severity.Unspecified,
    };

    private static VulnerabilityOccurrence ParseVulnerability(JsonElement v, string noteName)
    {
        var severity = ParseSeverity(String(v, "severity"));
        var effective = ParseSeverity(String(v, "effectiveSeverity"));
        var issues = ImmutableArray.CreateBuilder<PackageIssue>();
        if (v.TryGetProperty("packageIssue", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray().Take(MaxPackageIssues))
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                string? affectedVersion = null;
                if (item.TryGetProperty("affectedVersion", out var av) && av.ValueKind == JsonValueKind.Object)
                {
                    affectedVersion = String(av, "fullName") ?? String(av, "name");
                }

                string? fixedVersion = null;
                string? fixedKind = null;
                if (item.TryGetProperty("fixedVersion", out var fv) && fv.ValueKind == JsonValueKind.Object)
                {
                    fixedKind = String(fv, "kind");
                    fixedVersion = fixedKind == "MAXIMUM" ? null : String(fv, "fullName") ?? String(fv, "name");
                }

                var fix = Bool(item, "fixAvailable") ?? (fixedVersion is not null && fixedKind != "MAXIMUM");
                var packageSeverity = ParseSeverity(String(item, "effectiveSeverity"));
                issues.Add(new PackageIssue(String(item, "affectedPackage") ?? string.Empty, affectedVersion, fixedVersion, fixedKind, fix, packageSeverity == Severity.Unspecified ? (effective == Severity.Unspecified ? severity : effective) : packageSeverity));
            }
        }

        var fixAvailable = Bool(v, "fixAvailable") ?? issues.Any(i => i.FixAvailable);
        double? cvss = v.TryGetProperty("cvssScore", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null;
        var id = noteName.Length == 0 ? string.Empty : noteName[(noteName.LastIndexOf('/') + 1)..];
        return new VulnerabilityOccurrence(id, severity, effective == Severity.Unspecified ? severity : effective, cvss, fixAvailable, String(v, "shortDescription"), issues.ToImmutable());
    }

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Bool(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) ? value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

    private static long Int64(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) => s,
            _ => 0,
        };
    }

    private static DateTimeOffset? Time(JsonElement element, string name)
        => String(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
}
