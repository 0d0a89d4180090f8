using System.Text.Json;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.TestSupport.Emulators;

/// <summary>
/// A proxy in front of the Firestore emulator that counts the documents its answers carry, as Firestore bills reads:
/// each document a query returns (<c>:runQuery</c>), each one <c>:batchGet</c> finds, each one a <c>GET</c> returns. The count
/// comes from the wire, independent of the code under test. It also records every request it forwards (when it started and
/// ended), so it serves as the round-trip counter in front of any emulator's REST API (the Pub/Sub emulator too).
/// </summary>
public sealed class FirestoreReadCounter : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly List<ForwardedRequest> _requests = [];
    private long _documents;
    private long _queries;

    private FirestoreReadCounter(LoopbackHttpServer server) => _server = server;

    /// <summary><c>127.0.0.1:port</c>, to use as <c>FIRESTORE_EMULATOR_HOST</c>.</summary>
    public string HostPort => _server.HostPort;

    /// <summary>Documents read so far.</summary>
    public long DocumentsRead => Interlocked.Read(ref _documents);

    /// <summary>Queries run so far.</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>Starts a proxy to the emulator at <paramref name="emulatorHostPort"/>.</summary>
    public static async Task<FirestoreReadCounter> StartAsync(string emulatorHostPort)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{emulatorHostPort}"), Timeout = TimeSpan.FromSeconds(60) };
        FirestoreReadCounter? counter = null;
        var server = await LoopbackHttpServer.StartAsync(async context => await counter!.ForwardAsync(http, context));
        counter = new FirestoreReadCounter(server);
        return counter;
    }

    /// <summary>The requests forwarded so far, in the order they ended.</summary>
    public IReadOnlyList<ForwardedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Forgets the counts and requests so far.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _documents, 0);
        Interlocked.Exchange(ref _queries, 0);
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static long CountDocuments(string method, string path, byte[] body)
    {
        if (body.Length == 0)
        {
            return 0;
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (path.EndsWith(":runQuery", StringComparison.Ordinal) && root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray().Count(item => item.TryGetProperty("document", out _));
        }

        if (path.EndsWith(":batchGet", StringComparison.Ordinal) && root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray().Count(item => item.TryGetProperty("found", out _));
        }

        if (method == "GET" && root.ValueKind == JsonValueKind.Object)
        {
            return root.TryGetProperty("documents", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : root.TryGetProperty("name", out _) ? 1 : 0;
        }

        return 0;
    }

    private async Task ForwardAsync(HttpClient http, HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (status, answer) = await EmulatorForwarding.ForwardAsync(http, context);
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.EndsWith(":runQuery", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _queries);
        }

        if ((int)status is >= 200 and < 300)
        {
            Interlocked.Add(ref _documents, CountDocuments(context.Request.Method, path, answer));
        }

        lock (_requests)
        {
            _requests.Add(new ForwardedRequest(context.Request.Method, path, started, System.Diagnostics.Stopwatch.GetTimestamp()));
        }
    }
}
