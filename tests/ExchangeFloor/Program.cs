using System.Net;
using System.Text;
using System.Text.Json;

// What PushVerifier's HTTP exchanges cost with nothing else: for each push (the body a binary-mode CloudEvent delivery
// carries), the registry GETs the verifier makes for a classic-signed image on a registry without the referrers API, one
// Firestore commit and one Pub/Sub publish, then 204. Environment: PORT, GOOGLE_CLOUD_PROJECT, FIRESTORE_EMULATOR_HOST,
// PUBSUB_EMULATOR_HOST (the variables the functions read).
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8080", System.Globalization.CultureInfo.InvariantCulture);
var project = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT") ?? throw new InvalidOperationException("GOOGLE_CLOUD_PROJECT is not set");
var firestore = Environment.GetEnvironmentVariable("FIRESTORE_EMULATOR_HOST") ?? throw new InvalidOperationException("FIRESTORE_EMULATOR_HOST is not set");
var pubsub = Environment.GetEnvironmentVariable("PUBSUB_EMULATOR_HOST") ?? throw new InvalidOperationException("PUBSUB_EMULATOR_HOST is not set");

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.WebHost.UseKestrelCore();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
var app = builder.Build();
using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

app.Run(async context =>
{
    var cancellationToken = context.RequestAborted;
    using var envelope = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
    var data = Convert.FromBase64String(envelope.RootElement.GetProperty("message").GetProperty("data").GetString()!);
    using var notification = JsonDocument.Parse(data);
    var image = notification.RootElement.GetProperty("digest").GetString()!; // host/repository@sha256:hex
    var slash = image.IndexOf('/', StringComparison.Ordinal);
    var at = image.IndexOf('@', StringComparison.Ordinal);
    var v2 = $"http://{image[..slash]}/v2/{image[(slash + 1)..at]}";
    var digest = image[(at + 1)..];
    var tag = digest.Replace(':', '-');

    await GetAsync($"{v2}/manifests/{digest}", "application/vnd.oci.image.manifest.v1+json", cancellationToken);
    await GetAsync($"{v2}/referrers/{digest}", "application/vnd.oci.image.index.v1+json", cancellationToken);
    await GetAsync($"{v2}/manifests/{tag}", "application/vnd.oci.image.index.v1+json", cancellationToken);
    var signatures = await GetAsync($"{v2}/manifests/{tag}.sig", "application/vnd.oci.image.manifest.v1+json", cancellationToken);
    using (var manifest = JsonDocument.Parse(signatures))
    {
        var layer = manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString();
        await GetAsync($"{v2}/blobs/{layer}", "*/*", cancellationToken);
    }

    var document = $"projects/{project}/databases/(default)/documents/exchange-floor/{Guid.NewGuid():N}";
    await PostAsync(
        $"http://{firestore}/v1/projects/{project}/databases/(default)/documents:commit",
        "{\"writes\":[{\"update\":{\"name\":\"" + document + "\",\"fields\":{\"image\":{\"stringValue\":\"" + image + "\"}}},\"currentDocument\":{\"exists\":false}}]}",
        cancellationToken);
    var message = Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"image":"{{image}}"}"""));
    await PostAsync(
        $"http://{pubsub}/v1/projects/{project}/topics/imagetrust-quarantine:publish",
        $$"""{"messages":[{"data":"{{message}}"}]}""",
        cancellationToken);
    context.Response.StatusCode = StatusCodes.Status204NoContent;
});

await app.RunAsync();

async Task<byte[]> GetAsync(string uri, string accept, CancellationToken cancellationToken)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
    request.Headers.Accept.ParseAdd(accept);
    using var response = await http.SendAsync(request, cancellationToken);
    return await response.Content.ReadAsByteArrayAsync(cancellationToken);
}

async Task PostAsync(string uri, string json, CancellationToken cancellationToken)
{
    using var content = new StringContent(json, Encoding.UTF8, "application/json");
    using var response = await http.PostAsync(uri, content, cancellationToken);
    response.EnsureSuccessStatusCode();
}
