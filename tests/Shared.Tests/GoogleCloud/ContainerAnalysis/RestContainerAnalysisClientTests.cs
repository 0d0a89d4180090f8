using System.Net;
using System.Text.Json.Nodes;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.TestSupport.ContainerAnalysis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.ContainerAnalysis;

public sealed class RestContainerAnalysisClientTests : IAsyncLifetime
{
    private const string Image = "https://europe-docker.pkg.dev/proj/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private const string OtherImage = "https://europe-docker.pkg.dev/proj/repo/app@sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

    private ContainerAnalysisStandIn _standIn = null!;
    private RestContainerAnalysisClient _client = null!;

    public async Task InitializeAsync()
    {
        _standIn = await ContainerAnalysisStandIn.StartAsync();
        var settings = GoogleCloudSettings.Create("proj", containerAnalysisEndpoint: _standIn.BaseUri.AbsoluteUri);
        var retry = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20), MaxAttempts = 4, TotalTimeout = TimeSpan.FromSeconds(10) };
        _client = new RestContainerAnalysisClient(new HttpClient(), settings, null, TimeProvider.System, NullLogger<RestContainerAnalysisClient>.Instance, retry);
    }

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task GetOccurrenceAsync_Vulnerability_ParsesPolicyFields()
    {
        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/v1", Image, "CVE-2024-0001", "CRITICAL", "3.0.13-1~deb12u1", 9.8));

        var occurrence = await _client.GetOccurrenceAsync("projects/proj/occurrences/v1");

        Assert.NotNull(occurrence);
        Assert.Equal(OccurrenceKinds.Vulnerability, occurrence.Kind);
        Assert.Equal(Image, occurrence.ResourceUri);
        var vulnerability = occurrence.Vulnerability!;
        Assert.Equal("CVE-2024-0001", vulnerability.VulnerabilityId);
        Assert.Equal(Severity.Critical, vulnerability.EffectiveSeverity);
        Assert.Equal(9.8, vulnerability.CvssScore);
        Assert.True(vulnerability.FixAvailable);
        var issue = Assert.Single(vulnerability.PackageIssues);
        Assert.Equal("openssl", issue.AffectedPackage);
        Assert.Equal("3.0.11-1~deb12u1", issue.AffectedVersion);
        Assert.Equal("3.0.13-1~deb12u1", issue.FixedVersion);
    }

    [Fact]
    public async Task GetOccurrenceAsync_FixedVersionMaximum_MeansNoFix()
    {
        var json = OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/nofix", Image, "CVE-2024-0002", "HIGH", null);
        // Without explicit fixAvailable flags, MAXIMUM alone must still read as "no fix".
        json["vulnerability"]!.AsObject().Remove("fixAvailable");
        json["vulnerability"]!["packageIssue"]![0]!.AsObject().Remove("fixAvailable");
        _standIn.Put(json);

        var occurrence = await _client.GetOccurrenceAsync("projects/proj/occurrences/nofix");

        Assert.False(occurrence!.Vulnerability!.FixAvailable);
        Assert.Null(occurrence.Vulnerability.PackageIssues[0].FixedVersion);
        Assert.Equal("MAXIMUM", occurrence.Vulnerability.PackageIssues[0].FixedVersionKind);
    }

    [Fact]
    public async Task GetOccurrenceAsync_Discovery_ParsesAnalysisStatus()
    {
        _standIn.Put(OccurrenceJsonBuilder.Discovery("projects/proj/occurrences/d1", Image, AnalysisStatuses.FinishedSuccess));

        var occurrence = await _client.GetOccurrenceAsync("projects/proj/occurrences/d1");

        Assert.Equal(OccurrenceKinds.Discovery, occurrence!.Kind);
        Assert.Equal(AnalysisStatuses.FinishedSuccess, occurrence.Discovery!.AnalysisStatus);
        Assert.True(AnalysisStatuses.IsFinished(occurrence.Discovery.AnalysisStatus));
    }

    [Fact]
    public async Task GetOccurrenceAsync_UnknownFieldsAndEnums_AreTolerated()
    {
        var json = OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/future", Image, "CVE-2030-1", "HIGH", "1.0");
        json["somethingNew"] = new JsonObject { ["x"] = 1 };
        json["vulnerability"]!["effectiveSeverity"] = "APOCALYPTIC";
        _standIn.Put(json);

        var occurrence = await _client.GetOccurrenceAsync("projects/proj/occurrences/future");

        Assert.Equal(Severity.High, occurrence!.Vulnerability!.EffectiveSeverity);
    }

    [Fact]
    public async Task GetOccurrenceAsync_ResponseOverOneMebibyte_IsRejectedNotRetried()
    {
        var json = OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/huge", Image, "CVE-1", "HIGH", "1.0");
        json["vulnerability"]!["longDescription"] = new string('x', 1_100_000);
        _standIn.Put(json);

        var exception = await Assert.ThrowsAsync<GoogleApiException>(() => _client.GetOccurrenceAsync("projects/proj/occurrences/huge"));

        Assert.Contains("limit", exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, _standIn.RequestCount);
    }

    [Fact]
    public async Task GetOccurrenceAsync_Missing_ReturnsNull()
    {
        Assert.Null(await _client.GetOccurrenceAsync("projects/proj/occurrences/gone"));
    }

    [Theory]
    [InlineData("projects/proj/notes/x")]
    [InlineData("projects/proj/occurrences/a/b")]
    [InlineData("../../etc")]
    public async Task GetOccurrenceAsync_NotAnOccurrenceName_ThrowsFormatException(string name)
    {
        await Assert.ThrowsAsync<FormatException>(() => _client.GetOccurrenceAsync(name));
        Assert.Equal(0, _standIn.RequestCount);
    }

    [Fact]
    public async Task GetOccurrenceAsync_UnavailableOnce_Retries()
    {
        _standIn.Put(OccurrenceJsonBuilder.Discovery("projects/proj/occurrences/d2", Image, AnalysisStatuses.Scanning));
        _standIn.FailNext(HttpStatusCode.ServiceUnavailable);

        var occurrence = await _client.GetOccurrenceAsync("projects/proj/occurrences/d2");

        Assert.NotNull(occurrence);
        Assert.Equal(2, _standIn.RequestCount);
    }

    [Fact]
    public async Task ListVulnerabilityOccurrencesAsync_Paging_ReturnsOnlyThisImagesVulnerabilities()
    {
        for (var i = 0; i < 5; i++)
        {
            _standIn.Put(OccurrenceJsonBuilder.Vulnerability($"projects/proj/occurrences/v{i}", Image, $"CVE-2024-000{i}", "HIGH", "1.0"));
        }

        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/other", OtherImage, "CVE-2024-9999", "LOW", null));
        _standIn.Put(OccurrenceJsonBuilder.Discovery("projects/proj/occurrences/disc", Image, AnalysisStatuses.FinishedSuccess));
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _client.ListVulnerabilityOccurrencesAsync(Image, pageSize: 2, pageToken: token);
            names.AddRange(page.Occurrences.Select(o => o.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"projects/proj/occurrences/v{i}"), names);
    }

    [Fact]
    public async Task ListVulnerabilityOccurrencesAsync_QuoteInUrl_ThrowsFormatException()
    {
        await Assert.ThrowsAsync<FormatException>(() => _client.ListVulnerabilityOccurrencesAsync(Image + "\" OR kind=\"BUILD"));
    }

    [Fact]
    public async Task GetVulnerabilitySummaryAsync_CountsBySeverity()
    {
        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/s1", Image, "CVE-1", "CRITICAL", "1.0"));
        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/s2", Image, "CVE-2", "CRITICAL", null));
        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/s3", Image, "CVE-3", "LOW", "1.0"));

        var summary = await _client.GetVulnerabilitySummaryAsync(Image);

        var critical = Assert.Single(summary, r => r.Severity == Severity.Critical);
        Assert.Equal(2, critical.TotalCount);
        Assert.Equal(1, critical.FixableCount);
        Assert.Equal(1, Assert.Single(summary, r => r.Severity == Severity.Low).TotalCount);
    }

    [Fact]
    public async Task StandIn_ServedJson_MatchesDiscoverySchema()
    {
        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/x1", Image, "CVE-1", "MEDIUM", "1.0"));
        _standIn.Put(OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/x2", Image, "CVE-2", "HIGH", null));
        _standIn.Put(OccurrenceJsonBuilder.Discovery("projects/proj/occurrences/x3", Image, AnalysisStatuses.FinishedUnsupported));
        await _client.GetOccurrenceAsync("projects/proj/occurrences/x1");
        await _client.GetOccurrenceAsync("projects/proj/occurrences/x3");
        await _client.ListVulnerabilityOccurrencesAsync(Image, pageSize: 1);
        await _client.GetVulnerabilitySummaryAsync(Image);
        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("containeranalysis.v1.json"));

        var served = _standIn.Served.ToList();
        var errors = served.SelectMany(s => checker.Check(JsonNode.Parse(s.Json), s.Schema).Select(e => $"{s.Schema} {e}")).ToList();

        Assert.Equal(4, served.Count);
        Assert.Empty(errors);
    }

    [Fact]
    public void DiscoverySchemaChecker_BadEnumOrUnknownField_IsReported()
    {
        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("containeranalysis.v1.json"));
        var json = OccurrenceJsonBuilder.Vulnerability("projects/proj/occurrences/bad", Image, "CVE-1", "HIGH", "1.0");
        json["vulnerability"]!["effectiveSeverity"] = "SEVERE";
        json["resourceUrl"] = Image;

        var errors = checker.Check(json, "Occurrence", "name", "kind", "resourceUri");

        Assert.Contains(errors, e => e.Contains("effectiveSeverity", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("resourceUrl", StringComparison.Ordinal));
        Assert.Contains("MAXIMUM", checker.EnumValues("Version", "kind"));
    }
}
