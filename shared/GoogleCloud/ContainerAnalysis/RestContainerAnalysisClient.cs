using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary><see cref="ContainerAnalysisClient"/> over the Container Analysis v1 REST API (or the configured override).</summary>
internal sealed class RestContainerAnalysisClient : ContainerAnalysisClient
{
    private const int MaxOccurrenceBytes = 1024 * 1024;
    private const int MaxPageBytes = 16 * 1024 * 1024;
    private const int MaxSummaryBytes = 256 * 1024;

    private readonly GoogleRestChannel _channel;
    private readonly string _projectId;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">The HTTP client.</param>
    /// <param name="settings">The validated settings.</param>
    /// <param name="tokens">Access tokens; may be null when the endpoint override is local.</param>
    /// <param name="timeProvider">The clock for retries.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="retry">Retry rules of idempotent calls, or null for <see cref="RetryPolicy.Default"/>.</param>
    public RestContainerAnalysisClient(HttpClient httpClient, GoogleCloudSettings settings, AccessTokenSource? tokens, TimeProvider timeProvider, ILogger<RestContainerAnalysisClient> logger, RetryPolicy? retry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _channel = new GoogleRestChannel(httpClient, settings.ContainerAnalysis, tokens, retry ?? RetryPolicy.Default, timeProvider, logger);
        _projectId = settings.ProjectId;
    }

    /// <summary>Whether <paramref name="name"/> is <c>projects/P/occurrences/ID</c>.</summary>
    public static bool IsOccurrenceName(string? name)
    {
        var parts = name?.Split('/');
        return parts is { Length: 4 } && parts[0] == "projects" && parts[2] == "occurrences" && IsSegment(parts[1]) && IsSegment(parts[3]);
    }

    /// <inheritdoc />
    public override async Task<Occurrence?> GetOccurrenceAsync(string occurrenceName, CancellationToken cancellationToken = default)
    {
        if (!IsOccurrenceName(occurrenceName))
        {
            throw new FormatException($"'{Shorten(occurrenceName)}' is not an occurrence name (projects/P/occurrences/ID)");
        }

        using var response = await _channel.SendOrNotFoundAsync(HttpMethod.Get, "v1/" + occurrenceName, MaxOccurrenceBytes, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        var root = response.RootElement;
        return Parse(() => OccurrenceJson.ParseOccurrence(root));
    }

    /// <inheritdoc />
    public override async Task<OccurrencePage> ListVulnerabilityOccurrencesAsync(string resourceUrl, int pageSize = 100, string? pageToken = null, string? projectId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        var filter = $"kind=\"VULNERABILITY\" AND resourceUrl=\"{FilterLiteral(resourceUrl)}\"";
        var query = $"filter={Uri.EscapeDataString(filter)}&pageSize={pageSize}";
        if (!string.IsNullOrEmpty(pageToken))
        {
            query += "&pageToken=" + Uri.EscapeDataString(pageToken);
        }

        using var response = await _channel.SendAsync(HttpMethod.Get, $"v1/projects/{Project(projectId)}/occurrences?{query}", null, MaxPageBytes, idempotent: true, cancellationToken).ConfigureAwait(false);
        return Parse(() => OccurrenceJson.ParsePage(response.RootElement));
    }

    /// <inheritdoc />
    public override async Task<ImmutableArray<FixableTotalByDigest>> GetVulnerabilitySummaryAsync(string resourceUrl, string? projectId = null, CancellationToken cancellationToken = default)
    {
        var filter = $"resourceUrl=\"{FilterLiteral(resourceUrl)}\"";
        using var response = await _channel.SendAsync(HttpMethod.Get, $"v1/projects/{Project(projectId)}/occurrences:vulnerabilitySummary?filter={Uri.EscapeDataString(filter)}", null, MaxSummaryBytes, idempotent: true, cancellationToken).ConfigureAwait(false);
        return OccurrenceJson.ParseSummary(response.RootElement);
    }

    /// <summary>Whether <paramref name="name"/> is <c>projects/P/notes/N</c>.</summary>
    public static bool IsNoteName(string? name)
    {
        var parts = name?.Split('/');
        return parts is { Length: 4 } && parts[0] == "projects" && parts[2] == "notes" && IsSegment(parts[1]) && IsSegment(parts[3]);
    }

    /// <inheritdoc />
    public override async Task<ImmutableArray<AttestationOccurrence>> ListNoteOccurrencesAsync(string noteName, string resourceUrl, int maxOccurrences = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOccurrences, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxOccurrences, 10_000);
        var note = Note(noteName);
        var filter = Uri.EscapeDataString($"resourceUrl=\"{FilterLiteral(resourceUrl)}\"");
        var found = ImmutableArray.CreateBuilder<AttestationOccurrence>();
        string? pageToken = null;
        do
        {
            var query = $"filter={filter}&pageSize={Math.Min(maxOccurrences, 1000)}" + (pageToken is null ? string.Empty : "&pageToken=" + Uri.EscapeDataString(pageToken));
            using var response = await _channel.SendAsync(HttpMethod.Get, $"v1/{note}/occurrences?{query}", null, MaxPageBytes, idempotent: true, cancellationToken).ConfigureAwait(false);
            var root = response.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GoogleApiException(HttpStatusCode.OK, null, "Container Analysis answered a note's occurrence list with something that is not a JSON object");
            }

            if (root.TryGetProperty("occurrences", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var occurrence = Parse(() => AttestationOccurrence.Parse(item));

                    // The filter is the server's; what is returned is checked, so a loose filter never deletes another image's attestation.
                    if (occurrence.ResourceUri == resourceUrl && occurrence.NoteName == note && found.Count < maxOccurrences)
                    {
                        found.Add(occurrence);
                    }
                }
            }

            pageToken = root.TryGetProperty("nextPageToken", out var next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } token ? token : null;
        }
        while (pageToken is not null && found.Count < maxOccurrences);
        return found.ToImmutable();
    }

    /// <inheritdoc />
    public override async Task<AttestationOccurrence> CreateAttestationOccurrenceAsync(AttestationOccurrence occurrence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        var project = Note(occurrence.NoteName).Split('/')[1];
        FilterLiteral(occurrence.ResourceUri);
        using var response = await _channel.SendAsync(HttpMethod.Post, $"v1/projects/{project}/occurrences", occurrence.WriteRequest, MaxOccurrenceBytes, idempotent: false, cancellationToken).ConfigureAwait(false);
        var created = Parse(() => AttestationOccurrence.Parse(response.RootElement));
        return IsOccurrenceName(created.Name)
            ? created
            : throw new GoogleApiException(HttpStatusCode.OK, null, $"Container Analysis named the created occurrence '{Shorten(created.Name)}', which is not an occurrence name");
    }

    /// <inheritdoc />
    public override async Task<bool> DeleteOccurrenceAsync(string occurrenceName, CancellationToken cancellationToken = default)
    {
        if (!IsOccurrenceName(occurrenceName))
        {
            throw new FormatException($"'{Shorten(occurrenceName)}' is not an occurrence name (projects/P/occurrences/ID)");
        }

        using var response = await _channel.SendOrNotFoundAsync(HttpMethod.Delete, "v1/" + occurrenceName, MaxOccurrenceBytes, cancellationToken).ConfigureAwait(false);
        return response is not null;
    }

    private static string Note(string noteName)
        => IsNoteName(noteName) ? noteName : throw new FormatException($"'{Shorten(noteName)}' is not a note name (projects/P/notes/N)");

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException)
        {
            throw new GoogleApiException(HttpStatusCode.OK, null, $"Container Analysis returned JSON this client cannot read: {exception.Message}", exception);
        }
    }

    private string Project(string? projectId)
    {
        var project = projectId ?? _projectId;
        return IsSegment(project) ? project : throw new FormatException($"'{Shorten(project)}' is not a project id");
    }

    private static string FilterLiteral(string resourceUrl)
    {
        ArgumentNullException.ThrowIfNull(resourceUrl);
        if (resourceUrl.Length is 0 or > 2048 || resourceUrl.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            throw new FormatException($"resource URL '{Shorten(resourceUrl)}' cannot be used in a filter");
        }

        return resourceUrl;
    }

    private static bool IsSegment(string text)
        => text.Length is > 0 and <= 200 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '~');

    private static string Shorten(string? text) => text is null ? "null" : text.Length <= 80 ? text : text[..80] + "…";
}
