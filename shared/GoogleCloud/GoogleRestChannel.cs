using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging;

namespace ImageTrust.GoogleCloud;

/// <summary>
/// Sends JSON requests to one Google REST API through the shared <see cref="RetryingHttpSender"/>: authorization (access token,
/// or the emulator's fixed token), bounded response bodies, parsing of the <c>{"error":{code,message,status}}</c> body, and the
/// narrow retries of idempotent calls (the named statuses, plus the retryable canonical codes of the error body).
/// </summary>
internal sealed class GoogleRestChannel
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly RetryingHttpSender _sender;
    private readonly GoogleServiceEndpoint _endpoint;
    private readonly AccessTokenSource? _tokens;

    /// <summary>Creates the channel.</summary>
    /// <param name="httpClient">The client (from IHttpClientFactory); its BaseAddress is ignored.</param>
    /// <param name="endpoint">The API endpoint.</param>
    /// <param name="tokens">Access tokens for production endpoints; may be null only for emulator endpoints.</param>
    /// <param name="retry">The retry rules of idempotent calls.</param>
    /// <param name="timeProvider">The clock for backoff and deadlines.</param>
    /// <param name="logger">The logger for retries.</param>
    /// <exception cref="ImageTrust.Model.ConfigurationException">The retry rules are invalid.</exception>
    public GoogleRestChannel(HttpClient httpClient, GoogleServiceEndpoint endpoint, AccessTokenSource? tokens, RetryPolicy retry, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsEmulator && tokens is null)
        {
            throw new ArgumentException("a production endpoint needs an access token source", nameof(tokens));
        }

        _sender = new RetryingHttpSender(httpClient, retry, timeProvider, logger);
        _endpoint = endpoint;
        _tokens = tokens;
    }

    /// <summary>The endpoint this channel talks to.</summary>
    public GoogleServiceEndpoint Endpoint => _endpoint;

    /// <summary>The retry rules of idempotent calls.</summary>
    public RetryPolicy Retry => _sender.Policy;

    /// <summary>
    /// Whether an error is worth retrying for an idempotent (or at-least-once) call: the named statuses of
    /// <see cref="RetryPolicy.IsRetryable"/>, or the canonical codes UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode httpStatus, string? status)
        => RetryPolicy.IsRetryable(httpStatus) || status is "UNAVAILABLE" or "DEADLINE_EXCEEDED" or "ABORTED" or "RESOURCE_EXHAUSTED";

    /// <summary>Sends one request and returns the parsed JSON response (the caller disposes it).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUri">The path and query relative to the endpoint, e.g. <c>v1/projects/p/topics/t:publish</c>.</param>
    /// <param name="body">Writes the JSON body, or null for none. Called once; the bytes are resent on retry.</param>
    /// <param name="maxResponseBytes">The largest response body accepted.</param>
    /// <param name="idempotent">Whether the call may be repeated (retried on a retryable error); false makes exactly one attempt.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="GoogleApiException">The API answered with a non-retryable error, or a retryable one to a call that is not idempotent.</exception>
    /// <exception cref="TransientFailureException">Retries were exhausted, the deadline passed, or the API was unreachable.</exception>
    public async Task<JsonDocument> SendAsync(HttpMethod method, string relativeUri, Action<Utf8JsonWriter>? body, long maxResponseBytes, bool idempotent, CancellationToken cancellationToken = default)
        => (await SendAsync(method, relativeUri, body, maxResponseBytes, idempotent, notFoundAsNull: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary>
    /// As <see cref="SendAsync(HttpMethod, string, Action{Utf8JsonWriter}?, long, bool, CancellationToken)"/> for an idempotent
    /// call without a body (a GET or DELETE), but a 404 answer is null instead of a <see cref="GoogleApiException"/>: reading
    /// or deleting something that may not exist (a new image's record, an occurrence) costs no exception, which a Native AOT
    /// process pays for at every async frame it crosses.
    /// </summary>
    /// <returns>The parsed JSON response (the caller disposes it), or null when the API answered 404.</returns>
    /// <exception cref="GoogleApiException">The API answered with another error that is not retried.</exception>
    /// <exception cref="TransientFailureException">Retries were exhausted, or the overall deadline passed.</exception>
    public Task<JsonDocument?> SendOrNotFoundAsync(HttpMethod method, string relativeUri, long maxResponseBytes, CancellationToken cancellationToken = default)
        => SendAsync(method, relativeUri, null, maxResponseBytes, idempotent: true, notFoundAsNull: true, cancellationToken);

    private async Task<JsonDocument?> SendAsync(HttpMethod method, string relativeUri, Action<Utf8JsonWriter>? body, long maxResponseBytes, bool idempotent, bool notFoundAsNull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(relativeUri);
        byte[]? payload = null;
        if (body is not null)
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                body(writer);
            }

            payload = buffer.WrittenSpan.ToArray();
        }

        var uri = new Uri(_endpoint.BaseUri, relativeUri);
        var what = $"{method} {Describe(uri)}";
        using var deadline = _sender.StartOperation(what, cancellationToken);
        return await _sender.SendAsync(deadline, what, (httpClient, token) => SendOnceAsync(httpClient, method, uri, payload, maxResponseBytes, notFoundAsNull, token), idempotent).ConfigureAwait(false);
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of <paramref name="content"/>.</summary>
    /// <exception cref="GoogleApiException">The body is larger.</exception>
    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, long maxBytes, HttpStatusCode status, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            throw new GoogleApiException(status, null, $"response of {declared} bytes exceeds the {maxBytes}-byte limit");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new GoogleApiException(status, null, $"response exceeds the {maxBytes}-byte limit");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private async Task<JsonDocument?> SendOnceAsync(HttpClient httpClient, HttpMethod method, Uri uri, byte[]? payload, long maxResponseBytes, bool notFoundAsNull, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (payload is not null)
        {
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var token = _endpoint.IsEmulator ? _endpoint.EmulatorBearerToken : await _tokens!.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (notFoundAsNull && response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            throw IsRetryable(error.HttpStatus, error.Status)
                ? new RetryableAttemptException(error.Message, RetryableAttemptException.ReadRetryAfter(response, _sender.TimeProvider), error)
                : error;
        }

        var bytes = await ReadBoundedAsync(response.Content, maxResponseBytes, response.StatusCode, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(bytes.Length == 0 ? "{}"u8.ToArray() : bytes, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException exception)
        {
            throw new GoogleApiException(response.StatusCode, null, $"{method} {Describe(uri)} returned a body that is not JSON", exception);
        }
    }

    private static async Task<GoogleApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? status = null;
        string? message = null;
        try
        {
            var bytes = await ReadBoundedAsync(response.Content, MaxErrorBodyBytes, response.StatusCode, cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            // Streaming methods (runQuery, batchGet) wrap the error in a one-element array.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            }
        }
        catch (Exception exception) when (exception is JsonException or GoogleApiException or HttpRequestException)
        {
            // A non-JSON or oversized error body still yields the HTTP status, which is what classification needs.
            Debug.WriteLine(exception.Message);
        }

        var method = response.RequestMessage?.Method.Method ?? "request";
        var where = response.RequestMessage?.RequestUri is { } requestUri ? Describe(requestUri) : "?";
        var text = message is null ? string.Empty : ": " + (message.Length > 300 ? message[..300] + "…" : message);
        return new GoogleApiException(response.StatusCode, status, $"{method} {where} answered {(int)response.StatusCode} {status ?? response.ReasonPhrase}{text}");
    }

    private static string Describe(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
