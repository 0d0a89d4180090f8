using System.Collections.Concurrent;
using System.Collections.Immutable;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Pipeline.Services;

/// <summary>Container Analysis holding prepared occurrences; counts how often an image's vulnerabilities are listed.</summary>
internal sealed class FakeContainerAnalysis : ContainerAnalysisClient
{
    private readonly ConcurrentDictionary<string, Occurrence> _occurrences = new(StringComparer.Ordinal);
    private int _lists;

    public int VulnerabilityLists => Volatile.Read(ref _lists);

    /// <summary>Adds a vulnerability occurrence on <paramref name="resourceUri"/>; returns its name.</summary>
    public string AddVulnerability(string resourceUri, string cve, Severity severity, bool fixAvailable)
    {
        var name = $"projects/analysis/occurrences/{Guid.NewGuid():N}";
        var vulnerability = new VulnerabilityOccurrence(cve, severity, severity, null, fixAvailable, null, [new PackageIssue("openssl", "3.0.1", fixAvailable ? "3.0.12" : null, fixAvailable ? "NORMAL" : "MAXIMUM", fixAvailable, severity)]);
        _occurrences[name] = new Occurrence(name, OccurrenceKinds.Vulnerability, resourceUri, "projects/goog-vulnz/notes/" + cve, null, null, vulnerability, null, false);
        return name;
    }

    public override Task<Occurrence?> GetOccurrenceAsync(string occurrenceName, CancellationToken cancellationToken = default)
        => Task.FromResult(_occurrences.GetValueOrDefault(occurrenceName));

    public override Task<OccurrencePage> ListVulnerabilityOccurrencesAsync(string resourceUrl, int pageSize = 100, string? pageToken = null, string? projectId = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        var page = _occurrences.Values.Where(o => o.ResourceUri == resourceUrl && o.Kind == OccurrenceKinds.Vulnerability).OrderBy(o => o.Name, StringComparer.Ordinal).ToImmutableArray();
        return Task.FromResult(new OccurrencePage(page, null));
    }

    public override Task<ImmutableArray<FixableTotalByDigest>> GetVulnerabilitySummaryAsync(string resourceUrl, string? projectId = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("the pipeline does not ask for summaries");
}
