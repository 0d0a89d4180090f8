using System.Text.Json.Nodes;

namespace ImageTrust.TestSupport.ContainerAnalysis;

/// <summary>Builds Container Analysis occurrence JSON the way the real API returns it (discovery-schema shaped).</summary>
internal static class OccurrenceJsonBuilder
{
    /// <summary>A <c>VULNERABILITY</c> occurrence with one package issue.</summary>
    /// <param name="name">The occurrence name, <c>projects/P/occurrences/ID</c>.</param>
    /// <param name="resourceUri">The image URL.</param>
    /// <param name="cve">The vulnerability id, e.g. <c>CVE-2024-1234</c>.</param>
    /// <param name="severity">The severity name, e.g. <c>CRITICAL</c>.</param>
    /// <param name="fixedVersion">The fixed version, or null for "no fix yet" (<c>kind: MAXIMUM</c>).</param>
    /// <param name="cvssScore">The CVSS score.</param>
    public static JsonObject Vulnerability(string name, string resourceUri, string cve, string severity, string? fixedVersion, double cvssScore = 7.5)
    {
        var fixedVersionNode = fixedVersion is null
            ? new JsonObject { ["kind"] = "MAXIMUM" }
            : new JsonObject { ["kind"] = "NORMAL", ["name"] = fixedVersion, ["fullName"] = fixedVersion };
        return new JsonObject
        {
            ["name"] = name,
            ["resourceUri"] = resourceUri,
            ["noteName"] = $"projects/goog-vulnz/notes/{cve}",
            ["kind"] = "VULNERABILITY",
            ["createTime"] = "2026-11-20T10:00:00.123456Z",
            ["updateTime"] = "2026-11-26T10:00:00.654321Z",
            ["vulnerability"] = new JsonObject
            {
                ["severity"] = severity,
                ["effectiveSeverity"] = severity,
                ["cvssScore"] = cvssScore,
                ["cvssVersion"] = "CVSS_VERSION_3",
                ["fixAvailable"] = fixedVersion is not null,
                ["shortDescription"] = cve,
                ["type"] = "OS",
                ["packageIssue"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["affectedCpeUri"] = "cpe:/o:debian:debian_linux:12",
                        ["affectedPackage"] = "openssl",
                        ["affectedVersion"] = new JsonObject { ["kind"] = "NORMAL", ["name"] = "3.0.11", ["revision"] = "1~deb12u1", ["fullName"] = "3.0.11-1~deb12u1" },
                        ["fixedCpeUri"] = "cpe:/o:debian:debian_linux:12",
                        ["fixedPackage"] = "openssl",
                        ["fixedVersion"] = fixedVersionNode,
                        ["fixAvailable"] = fixedVersion is not null,
                        ["packageType"] = "OS",
                        ["effectiveSeverity"] = severity,
                    },
                },
            },
        };
    }

    /// <summary>A <c>DISCOVERY</c> occurrence with the given analysis status.</summary>
    public static JsonObject Discovery(string name, string resourceUri, string analysisStatus)
        => new()
        {
            ["name"] = name,
            ["resourceUri"] = resourceUri,
            ["noteName"] = "projects/goog-analysis/notes/PACKAGE_VULNERABILITY",
            ["kind"] = "DISCOVERY",
            ["createTime"] = "2026-11-20T10:00:00Z",
            ["updateTime"] = "2026-11-26T10:00:00Z",
            ["discovery"] = new JsonObject
            {
                ["analysisStatus"] = analysisStatus,
                ["continuousAnalysis"] = "ACTIVE",
                ["lastScanTime"] = "2026-11-26T10:00:00Z",
            },
        };
}
