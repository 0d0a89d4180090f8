using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>Builds and sends the HTTP requests Eventarc and Pub/Sub push send to a function.</summary>
internal static class Deliveries
{
    public const string MessagePublished = "google.cloud.pubsub.topic.v1.messagePublished";

    public static string GcrInsert(string? digest, string? tag = null) => Gcr("INSERT", digest, tag);

    public static string Gcr(string action, string? digest, string? tag)
    {
        var node = new JsonObject { ["action"] = action };
        if (digest is not null)
        {
            node["digest"] = digest;
        }

        if (tag is not null)
        {
            node["tag"] = tag;
        }

        return node.ToJsonString();
    }

    public static string OccurrenceNotification(string name, string kind)
        => new JsonObject { ["name"] = name, ["kind"] = kind, ["notificationTime"] = "2026-11-26T10:00:00.123456789Z" }.ToJsonString();

    /// <summary>The push envelope; <paramref name="base64Data"/> is sent as is (so tests can send malformed base64).</summary>
    public static JsonObject Envelope(string base64Data, string messageId, string projectId, bool snakeCase = false)
    {
        var message = new JsonObject
        {
            ["data"] = base64Data,
            ["attributes"] = new JsonObject { ["origin"] = "test" },
            [snakeCase ? "message_id" : "messageId"] = messageId,
            [snakeCase ? "publish_time" : "publishTime"] = "2026-11-26T10:00:00.123456789Z",
        };
        if (snakeCase)
        {
            message["@type"] = "type.googleapis.com/google.pubsub.v1.PubsubMessage";
        }

        return new JsonObject { ["message"] = message, ["subscription"] = $"projects/{projectId}/subscriptions/test-push" };
    }

    /// <summary>
    /// Sends a re-verification work message (raw push, the work attribute set) as the work subscription would, or with
    /// <paramref name="kind"/> <c>drain-outbox</c> a drain tick as the drain scheduler job publishes it.
    /// </summary>
    public static async Task<HttpResponseMessage> SendWorkAsync(HttpClient client, string data, string messageId, string projectId, string kind = ImageTrust.Pipeline.Events.ReverificationWork.Kind)
    {
        var envelope = Envelope(Base64(data), messageId, projectId);
        envelope["message"]!["attributes"] = new JsonObject { [ImageTrust.Pipeline.Events.ReverificationWork.KindAttribute] = kind };
        using var content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
        return await client.PostAsync("/", content);
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, DeliveryShape shape, string data, string messageId, string projectId, string topic = "gcr")
        => SendRawAsync(client, shape, Base64(data), messageId, projectId, topic);

    /// <summary>Sends a delivery the function must acknowledge with a recorded outcome (204); fails with the answer otherwise.</summary>
    public static async Task SendRecordedAsync(HttpClient client, DeliveryShape shape, string data, string messageId, string projectId, string topic = "gcr")
    {
        using var response = await SendAsync(client, shape, data, messageId, projectId, topic);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.NoContent, $"message {messageId} to {topic}: {(int)response.StatusCode} {body}");
    }

    public static async Task<HttpResponseMessage> SendRawAsync(HttpClient client, DeliveryShape shape, string base64Data, string messageId, string projectId, string topic = "gcr")
    {
        var envelope = Envelope(base64Data, messageId, projectId, shape == DeliveryShape.RawPushSnakeCase);
        var source = $"//pubsub.googleapis.com/projects/{projectId}/topics/{topic}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        switch (shape)
        {
            case DeliveryShape.Binary:
                request.Content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
                request.Headers.Add("ce-specversion", "1.0");
                request.Headers.Add("ce-type", MessagePublished);
                request.Headers.Add("ce-source", source);
                request.Headers.Add("ce-id", messageId);
                request.Headers.Add("ce-time", "2026-11-26T10:00:00.123Z");
                break;
            case DeliveryShape.Structured:
                var cloudEvent = new JsonObject
                {
                    ["specversion"] = "1.0",
                    ["type"] = MessagePublished,
                    ["source"] = source,
                    ["id"] = messageId,
                    ["datacontenttype"] = "application/json",
                    ["data"] = envelope,
                };
                request.Content = new StringContent(cloudEvent.ToJsonString(), Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json") { CharSet = "utf-8" };
                break;
            default:
                request.Content = new StringContent(envelope.ToJsonString(), Encoding.UTF8, "application/json");
                break;
        }

        return await client.SendAsync(request);
    }

    public static JsonElement ParseData(ReadOnlyMemory<byte> data) => JsonDocument.Parse(data).RootElement.Clone();
}
