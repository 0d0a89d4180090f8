using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.TestSupport.ContainerAnalysis;

/// <summary>
/// A loopback Kestrel server answering the Container Analysis v1 calls the pipeline makes (get, list with filter and paging,
/// vulnerabilitySummary) from occurrences the test puts in. Every JSON body it serves is kept so tests can check it against
/// the discovery schema.
/// </summary>
internal sealed partial class ContainerAnalysisStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    // Kept as JSON text: a JsonObject is not safe to read on two threads at once (the test reads occurrences while the server
    // lists them), so every reader parses its own copy.
    private readonly ConcurrentDictionary<string, string> _occurrences = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<HttpStatusCode> _failures = new();
    private int _requests;
    private int _creates;
    private int _deletes;

    private ContainerAnalysisStandIn(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The base URL to use as <c>IMAGETRUST_CONTAINERANALYSIS_ENDPOINT</c>.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Requests served so far.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Every successful response body served, with the discovery schema it should match.</summary>
    public ConcurrentQueue<(string Schema, string Json)> Served { get; } = new();

    /// <summary>Every request body received (creates), with the discovery schema it should match.</summary>
    public ConcurrentQueue<(string Schema, string Json)> Received { get; } = new();

    /// <summary>Occurrences created so far.</summary>
    public int CreateCount => Volatile.Read(ref _creates);

    /// <summary>Occurrences deleted so far.</summary>
    public int DeleteCount => Volatile.Read(ref _deletes);

    /// <summary>How long a create takes (to widen a race window); zero by default.</summary>
    public TimeSpan CreateDelay { get; set; }

    /// <summary>The stored occurrences of <paramref name="noteName"/> (attestations), oldest name first.</summary>
    public IReadOnlyList<JsonObject> OccurrencesOf(string noteName)
        => [.. Stored(_ => true).Where(o => o["noteName"]?.GetValue<string>() == noteName)];

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<ContainerAnalysisStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new ContainerAnalysisStandIn(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        standIn.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return standIn;
    }

    /// <summary>Adds or replaces an occurrence (its <c>name</c> is the key).</summary>
    public void Put(JsonObject occurrence)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        var name = occurrence["name"]?.GetValue<string>() ?? throw new ArgumentException("occurrence needs a name", nameof(occurrence));
        _occurrences[name] = occurrence.ToJsonString();
    }

    /// <summary>Removes an occurrence.</summary>
    public void Remove(string name) => _occurrences.TryRemove(name, out _);

    /// <summary>Makes the next request(s) fail with these statuses, in order.</summary>
    public void FailNext(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            _failures.Enqueue(status);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (_failures.TryDequeue(out var failure))
        {
            await WriteErrorAsync(context, failure, failure == HttpStatusCode.ServiceUnavailable ? "UNAVAILABLE" : "INTERNAL", "injected failure").ConfigureAwait(false);
            return;
        }

        var path = context.Request.Path.Value ?? string.Empty;
        if (HttpMethods.IsPost(context.Request.Method) && CreatePattern().Match(path) is { Success: true } create)
        {
            await CreateAsync(context, create.Groups["project"].Value).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsDelete(context.Request.Method) && PathPattern().Match(path) is { Success: true } delete && delete.Groups["rest"].Value.StartsWith('/'))
        {
            var name = $"projects/{delete.Groups["project"].Value}/occurrences/{delete.Groups["rest"].Value.TrimStart('/')}";
            if (_occurrences.TryRemove(name, out _))
            {
                Interlocked.Increment(ref _deletes);
                await WriteJsonAsync(context, "Empty", "{}").ConfigureAwait(false);
            }
            else
            {
                await WriteErrorAsync(context, HttpStatusCode.NotFound, "NOT_FOUND", $"occurrence {name} not found").ConfigureAwait(false);
            }

            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) && NoteOccurrencesPattern().Match(path) is { Success: true } note)
        {
            await WriteNoteListAsync(context, $"projects/{note.Groups["project"].Value}/notes/{note.Groups["note"].Value}").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteErrorAsync(context, HttpStatusCode.MethodNotAllowed, "UNIMPLEMENTED", "only GET is served").ConfigureAwait(false);
            return;
        }

        var match = PathPattern().Match(path);
        if (!match.Success)
        {
            await WriteErrorAsync(context, HttpStatusCode.NotFound, "NOT_FOUND", $"no route for {path}").ConfigureAwait(false);
            return;
        }

        var project = match.Groups["project"].Value;
        var rest = match.Groups["rest"].Value;
        if (rest == ":vulnerabilitySummary")
        {
            await WriteSummaryAsync(context, project).ConfigureAwait(false);
        }
        else if (rest.Length == 0)
        {
            await WriteListAsync(context, project).ConfigureAwait(false);
        }
        else
        {
            var name = $"projects/{project}/occurrences/{rest.TrimStart('/')}";
            if (_occurrences.TryGetValue(name, out var occurrence))
            {
                await WriteJsonAsync(context, "Occurrence", occurrence).ConfigureAwait(false);
            }
            else
            {
                await WriteErrorAsync(context, HttpStatusCode.NotFound, "NOT_FOUND", $"occurrence {name} not found").ConfigureAwait(false);
            }
        }
    }

    private async Task WriteListAsync(HttpContext context, string project)
    {
        var filter = context.Request.Query["filter"].ToString();
        var pageSize = int.TryParse(context.Request.Query["pageSize"], CultureInfo.InvariantCulture, out var size) && size > 0 ? Math.Min(size, 1000) : 100;
        var offset = int.TryParse(context.Request.Query["pageToken"], CultureInfo.InvariantCulture, out var token) ? token : 0;
        var matching = Matching(project, filter).ToList();
        var page = matching.Skip(offset).Take(pageSize).Select(o => (JsonNode)o).ToArray();
        var body = new JsonObject { ["occurrences"] = new JsonArray(page) };
        if (offset + pageSize < matching.Count)
        {
            body["nextPageToken"] = (offset + pageSize).ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(context, "ListOccurrencesResponse", body.ToJsonString()).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, string project)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().ConfigureAwait(false);
        Received.Enqueue(("Occurrence", text));
        var occurrence = JsonNode.Parse(text) as JsonObject;
        if (occurrence?["noteName"]?.GetValue<string>() is not { } noteName || occurrence["resourceUri"] is null || occurrence["attestation"] is null || occurrence.ContainsKey("name"))
        {
            await WriteErrorAsync(context, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "an attestation occurrence needs noteName, resourceUri and attestation, and no name").ConfigureAwait(false);
            return;
        }

        if (CreateDelay > TimeSpan.Zero)
        {
            await Task.Delay(CreateDelay).ConfigureAwait(false);
        }

        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        occurrence["name"] = $"projects/{project}/occurrences/{Guid.NewGuid()}";
        occurrence["kind"] = "ATTESTATION";
        occurrence["createTime"] = now;
        occurrence["updateTime"] = now;
        _ = noteName;
        var json = occurrence.ToJsonString();
        _occurrences[occurrence["name"]!.GetValue<string>()] = json;
        Interlocked.Increment(ref _creates);
        await WriteJsonAsync(context, "Occurrence", json).ConfigureAwait(false);
    }

    private async Task WriteNoteListAsync(HttpContext context, string noteName)
    {
        var filter = context.Request.Query["filter"].ToString();
        var resource = ResourceFilter().Match(filter) is { Success: true } r ? r.Groups[1].Value : null;
        var pageSize = int.TryParse(context.Request.Query["pageSize"], CultureInfo.InvariantCulture, out var size) && size > 0 ? Math.Min(size, 1000) : 100;
        var offset = int.TryParse(context.Request.Query["pageToken"], CultureInfo.InvariantCulture, out var token) ? token : 0;
        var matching = Stored(_ => true)
            .Where(o => o["noteName"]?.GetValue<string>() == noteName)
            .Where(o => resource is null || o["resourceUri"]?.GetValue<string>() == resource)
            .ToList();
        var page = matching.Skip(offset).Take(pageSize).Select(o => (JsonNode)o).ToArray();
        var body = new JsonObject { ["occurrences"] = new JsonArray(page) };
        if (offset + pageSize < matching.Count)
        {
            body["nextPageToken"] = (offset + pageSize).ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(context, "ListNoteOccurrencesResponse", body.ToJsonString()).ConfigureAwait(false);
    }

    private async Task WriteSummaryAsync(HttpContext context, string project)
    {
        var filter = context.Request.Query["filter"].ToString();
        var counts = new JsonArray();
        var groups = Matching(project, filter)
            .Where(o => o["kind"]?.GetValue<string>() == "VULNERABILITY")
            .GroupBy(o => (Uri: o["resourceUri"]?.GetValue<string>() ?? string.Empty, Severity: o["vulnerability"]?["effectiveSeverity"]?.GetValue<string>() ?? "SEVERITY_UNSPECIFIED"));
        foreach (var group in groups.OrderBy(g => g.Key.Uri, StringComparer.Ordinal).ThenBy(g => g.Key.Severity, StringComparer.Ordinal))
        {
            counts.Add(new JsonObject
            {
                ["resourceUri"] = group.Key.Uri,
                ["severity"] = group.Key.Severity,
                ["fixableCount"] = group.Count(o => o["vulnerability"]?["fixAvailable"]?.GetValue<bool>() == true).ToString(CultureInfo.InvariantCulture),
                ["totalCount"] = group.Count().ToString(CultureInfo.InvariantCulture),
            });
        }

        await WriteJsonAsync(context, "VulnerabilityOccurrencesSummary", new JsonObject { ["counts"] = counts }.ToJsonString()).ConfigureAwait(false);
    }

    // A fresh copy of each stored occurrence whose name passes, by name.
    private IEnumerable<JsonObject> Stored(Func<string, bool> name)
        => _occurrences.Where(p => name(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonNode.Parse(p.Value)!.AsObject());

    private IEnumerable<JsonObject> Matching(string project, string filter)
    {
        var kind = KindFilter().Match(filter) is { Success: true } k ? k.Groups[1].Value : null;
        var resource = ResourceFilter().Match(filter) is { Success: true } r ? r.Groups[1].Value : null;
        return Stored(name => name.StartsWith($"projects/{project}/occurrences/", StringComparison.Ordinal))
            .Where(o => kind is null || o["kind"]?.GetValue<string>() == kind)
            .Where(o => resource is null || o["resourceUri"]?.GetValue<string>() == resource);
    }

    private async Task WriteJsonAsync(HttpContext context, string schema, string json)
    {
        Served.Enqueue((schema, json));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json)).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, HttpStatusCode status, string code, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = (int)status, ["message"] = message, ["status"] = code } };
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString())).ConfigureAwait(false);
    }

    [GeneratedRegex("^/v1/projects/(?<project>[^/]+)/occurrences(?<rest>:vulnerabilitySummary|/[^/]+)?$")]
    private static partial Regex PathPattern();

    [GeneratedRegex("^/v1/projects/(?<project>[^/]+)/occurrences$")]
    private static partial Regex CreatePattern();

    [GeneratedRegex("^/v1/projects/(?<project>[^/]+)/notes/(?<note>[^/]+)/occurrences$")]
    private static partial Regex NoteOccurrencesPattern();

    [GeneratedRegex("kind\\s*=\\s*\"([^\"]*)\"")]
    private static partial Regex KindFilter();

    [GeneratedRegex("resourceUrl\\s*=\\s*\"([^\"]*)\"")]
    private static partial Regex ResourceFilter();
}
