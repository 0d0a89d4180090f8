using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImageTrust.GoogleCloud;

namespace ImageTrust.Shared.Tests.Pipeline.Golden;

/// <summary>
/// Reads and writes Firestore documents through the emulator's REST API directly, without our Firestore adapter, so a stored
/// document can be captured as it is and put back as it was.
/// </summary>
internal sealed class StoredDocuments : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly GoogleCloudSettings _settings;

    public StoredDocuments(GoogleCloudSettings settings)
    {
        _settings = settings;
    }

    /// <summary>The document JSON exactly as the emulator returns it.</summary>
    public async Task<string> GetAsync(string collection, string documentId)
    {
        using var request = Request(HttpMethod.Get, collection, documentId);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {documentId}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Creates or replaces the document with the <c>fields</c> of <paramref name="documentJson"/>, copied verbatim.</summary>
    public async Task PutAsync(string collection, string documentId, string documentJson)
    {
        using var document = JsonDocument.Parse(documentJson);
        var body = "{\"fields\":" + document.RootElement.GetProperty("fields").GetRawText() + "}";
        using var request = Request(HttpMethod.Patch, collection, documentId);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"PATCH {documentId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string collection, string documentId)
    {
        var uri = new Uri(_settings.Firestore.BaseUri, $"v1/{_settings.FirestoreDocumentsRoot}/{collection}/{Uri.EscapeDataString(documentId)}");
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
        return request;
    }
}
