using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImageTrust.Hosting;
using ImageTrust.Model;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>The host on real Kestrel over real HTTP, with a probe function.</summary>
public sealed class FunctionHostTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task Post_EventarcBinaryMode_CallsFunctionWithHeaderAttributes()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        using var request = BinaryModeRequest("/");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (cloudEvent, data) = Assert.Single(host.Probe.Calls);
        Assert.Equal("11937542853081466", cloudEvent.Id);
        Assert.Equal("//pubsub.googleapis.com/projects/my-project/topics/gcr", cloudEvent.Source?.ToString());
        Assert.Equal(EventFixtures.GcrMessage, Encoding.UTF8.GetString(data.Message.Data.Span));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 3, 17, 512, TimeSpan.Zero), data.Message.PublishTime);
    }

    [Fact]
    public async Task Post_StructuredMode_CallsFunction()
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.Structured, "application/cloudevents+json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (cloudEvent, data) = Assert.Single(host.Probe.Calls);
        Assert.Equal("11937542853081467", cloudEvent.Id);
        Assert.Equal("artifact-registry", data.Message.Attributes["origin"]);
    }

    [Theory]
    [InlineData(EventFixtures.PushCamelCase, "2070443601311540", "//pubsub.googleapis.com/projects/my-project/subscriptions/gcr-pushverifier")]
    [InlineData(EventFixtures.PushSnakeCase, "2070443601311541", "//pubsub.googleapis.com/projects/my-project/subscriptions/gcr-pushverifier")]
    [InlineData(EventFixtures.PushEmulator, "1", "//pubsub.googleapis.com/projects/local-project/subscriptions/gcr-push")]
    public async Task Post_RawPushEnvelope_CallsFunctionWithSynthesizedEvent(string fixture, string messageId, string source)
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.PostAsync("/", Body(fixture, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (cloudEvent, data) = Assert.Single(host.Probe.Calls);
        Assert.Equal(messageId, cloudEvent.Id);
        Assert.Equal(messageId, data.Message.MessageId);
        Assert.Equal(source, cloudEvent.Source?.ToString());
        Assert.Equal(CloudEventWire.MessagePublishedType, cloudEvent.Type);
        Assert.Equal(EventFixtures.GcrMessage, Encoding.UTF8.GetString(data.Message.Data.Span));
    }

    [Fact]
    public async Task Post_EmulatorPushWithoutPublishTime_PublishTimeNull()
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushEmulator, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (cloudEvent, data) = Assert.Single(host.Probe.Calls);
        Assert.Null(data.Message.PublishTime);
        Assert.Null(cloudEvent.Time);
    }

    [Theory]
    [InlineData("/robots.txt")]
    [InlineData("/favicon.ico")]
    public async Task Request_RobotsOrFavicon_NotFoundAndFunctionNotCalled(string path)
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var get = await host.Client.GetAsync(path);
        using var post = await host.Client.PostAsync(path, Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/projects/p/subscriptions/s")]
    [InlineData("/robots.txt/not")]
    [InlineData("/?token=abc")]
    public async Task Post_AnyOtherPath_CallsFunction(string path)
    {
        await using var host = await RunningFunctionHost.StartAsync();
        using var request = BinaryModeRequest(path);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(host.Probe.Calls);
    }

    [Fact]
    public async Task Get_Root_MethodNotAllowed()
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Theory]
    [InlineData("application/json", "{\"message\":")]
    [InlineData("application/json", "{\"message\":{\"messageId\":\"1\",\"data\":\"aGk=\"}}")]
    [InlineData("application/json", "[]")]
    [InlineData("application/json", "")]
    [InlineData("application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"1\"}")]
    [InlineData("text/plain", "hello")]
    public async Task Post_Undecodable_BadRequestAndFunctionNotCalled(string contentType, string body)
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.PostAsync("/", new StringContent(body, new MediaTypeHeaderValue(contentType)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        Assert.Contains(host.LogLines, line => line.Contains("WARNING", StringComparison.Ordinal) && line.Contains("undecodable", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"message\":{\"messageId\":\"7\",\"data\":\"%%%\"},\"subscription\":\"projects/p/subscriptions/s\"}", "7")]
    [InlineData("{\"message\":{\"data\":\"aGk=\"},\"subscription\":\"projects/p/subscriptions/s\"}", "")]
    [InlineData("{\"message\":\"text\",\"subscription\":\"projects/p/subscriptions/s\"}", "")]
    [InlineData("{\"message\":{\"messageId\":\"8\",\"attributes\":{\"a\":1}},\"subscription\":\"projects/p/subscriptions/s\"}", "8")]
    public async Task Post_PushEnvelopeWithMalformedMessage_AcknowledgedWithAlertAndFunctionNotCalled(string body, string messageId)
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.PostAsync("/", new StringContent(body, new MediaTypeHeaderValue("application/json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        var alert = Assert.Single(host.Alerter.Alerts);
        Assert.Equal(DeliveryReasons.MalformedDelivery, alert.ReasonCode);
        Assert.Equal("//pubsub.googleapis.com/projects/p/subscriptions/s", alert.EventSource);
        Assert.Equal(messageId, alert.MessageId);
        Assert.Contains(host.LogLines, line => line.Contains("WARNING", StringComparison.Ordinal) && line.Contains(DeliveryReasons.MalformedDelivery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_BinaryModeWithMalformedBase64_AcknowledgedWithAlertNamingTheEvent()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        using var request = BinaryModeRequest("/");
        request.Content = new StringContent("{\"message\":{\"messageId\":\"1\",\"data\":\"not base64\"}}", new MediaTypeHeaderValue("application/json"));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        var alert = Assert.Single(host.Alerter.Alerts);
        Assert.Equal(DeliveryReasons.MalformedDelivery, alert.ReasonCode);
        Assert.Equal(request.Headers.GetValues("ce-id").Single(), alert.EventId);
        Assert.Contains("base64", alert.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_BinaryModeOfAnotherEventType_AcknowledgedWithAlert()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        using var request = BinaryModeRequest("/");
        request.Headers.Remove("ce-type");
        request.Headers.Add("ce-type", "google.cloud.storage.object.v1.finalized");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        Assert.Equal(DeliveryReasons.UnexpectedEventType, Assert.Single(host.Alerter.Alerts).ReasonCode);
    }

    [Fact]
    public async Task Post_MalformedDeliveryWhileAlertsUnavailable_ServiceUnavailable()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        host.Alerter.Throw = new TransientFailureException("pubsub down");
        using var request = BinaryModeRequest("/");
        request.Content = new StringContent("{\"message\":{\"messageId\":\"1\",\"data\":\"not base64\"}}", new MediaTypeHeaderValue("application/json"));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public async Task Post_OversizedWithContentLength_AcknowledgedWithAlertAndFunctionNotCalled()
    {
        await using var host = await RunningFunctionHost.StartAsync(configure: h => h.MaxRequestBodyBytes = 1024);
        var envelope = $$"""{"message":{"messageId":"1","data":"{{Convert.ToBase64String(new byte[2048])}}"},"subscription":"projects/p/subscriptions/s"}""";
        using var request = BinaryModeRequest("/");
        request.Content = new StringContent(envelope, new MediaTypeHeaderValue("application/json"));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        var alert = Assert.Single(host.Alerter.Alerts);
        Assert.Equal(DeliveryReasons.PayloadTooLarge, alert.ReasonCode);
        Assert.Equal(request.Headers.GetValues("ce-id").Single(), alert.EventId);
    }

    [Fact]
    public async Task Post_OversizedChunked_AcknowledgedWithAlertAndFunctionNotCalled()
    {
        await using var host = await RunningFunctionHost.StartAsync(configure: h => h.MaxRequestBodyBytes = 1024);
        var envelope = $$"""{"message":{"messageId":"1","data":"{{Convert.ToBase64String(new byte[2048])}}"},"subscription":"projects/p/subscriptions/s"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(envelope))),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        Assert.Equal(DeliveryReasons.PayloadTooLarge, Assert.Single(host.Alerter.Alerts).ReasonCode);
    }

    [Fact]
    public async Task Post_AtBodyBound_Accepted()
    {
        var body = EventFixtures.Load(EventFixtures.PushCamelCase);
        await using var host = await RunningFunctionHost.StartAsync(configure: h => h.MaxRequestBodyBytes = body.Length);

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Post_PermanentInputException_AcknowledgedWithAlertAndWarning()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        host.Probe.Throw = new PermanentInputException("MALFORMED_GCR_MESSAGE", "action is missing");

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = Assert.Single(host.Alerter.Alerts);
        Assert.Equal("MALFORMED_GCR_MESSAGE", alert.ReasonCode);
        Assert.Equal("action is missing", alert.Detail);
        Assert.Equal("2070443601311540", alert.MessageId);
        Assert.Equal(nameof(ProbeFunction), alert.FunctionName);
        Assert.Equal("us-docker.pkg.dev/my-project/apps/web", alert.Attributes["repository"]);
        Assert.Contains(host.LogLines, line => line.Contains("WARNING", StringComparison.Ordinal) && line.Contains("MALFORMED_GCR_MESSAGE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_PermanentInputExceptionAndAlerterTransient_ServiceUnavailable()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        host.Probe.Throw = new PermanentInputException("MALFORMED_GCR_MESSAGE", "action is missing");
        host.Alerter.Throw = new TransientFailureException("alerts topic unreachable");

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Post_TransientFailureException_ServiceUnavailableWithRetryAfter()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        host.Probe.Throw = new TransientFailureException("registry answered 503");

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(FunctionRequestHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Empty(host.Alerter.Alerts);
    }

    [Fact]
    public async Task Post_InnerTimeout_ServiceUnavailable()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        host.Probe.Throw = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.");

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Post_UnexpectedException_InternalServerErrorAndErrorLog()
    {
        await using var host = await RunningFunctionHost.StartAsync();
        host.Probe.Throw = new InvalidOperationException("bug in the function");

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(host.Alerter.Alerts);
        Assert.Contains(host.LogLines, line => line.Contains("ERROR", StringComparison.Ordinal) && line.Contains("2070443601311540", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_KServiceSet_LogsOneCloudLoggingJsonObjectPerLine()
    {
        await using var host = await RunningFunctionHost.StartAsync(new Dictionary<string, string?>
        {
            ["K_SERVICE"] = "pushverifier",
            ["GOOGLE_CLOUD_PROJECT"] = "my-project",
        });
        using var request = BinaryModeRequest("/");
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var entries = host.LogLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(entries, entry => Assert.True(entry.TryGetProperty("severity", out _) && entry.TryGetProperty("message", out _)));
        var handled = Assert.Single(entries, e => e.GetProperty("message").GetString() == "Probe handled 11937542853081466");
        Assert.Equal("INFO", handled.GetProperty("severity").GetString());
        Assert.Equal($"projects/my-project/traces/{TraceId}", handled.GetProperty("logging.googleapis.com/trace").GetString());
        Assert.Equal("00f067aa0ba902b7", handled.GetProperty("logging.googleapis.com/spanId").GetString());
        Assert.Equal("11937542853081466", handled.GetProperty("eventId").GetString());
        Assert.Equal("11937542853081466", handled.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Post_KServiceUnset_LogsText()
    {
        await using var host = await RunningFunctionHost.StartAsync();

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var line = Assert.Single(host.LogLines, l => l.Contains("Probe handled", StringComparison.Ordinal));
        Assert.DoesNotContain("{", line, StringComparison.Ordinal);
        Assert.Contains("INFO", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_FunctionTargetSelectsSecondFunction_SecondFunctionRuns()
    {
        await using var host = await RunningFunctionHost.StartAsync(
            new Dictionary<string, string?> { ["FUNCTION_TARGET"] = nameof(SecondProbeFunction) },
            h => h.AddFunction<SecondProbeFunction>());

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(host.Probe.Calls);
        Assert.Contains(host.LogLines, line => line.Contains("second function ran", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_FunctionTargetFullName_SelectsFunction()
    {
        await using var host = await RunningFunctionHost.StartAsync(
            new Dictionary<string, string?> { ["FUNCTION_TARGET"] = typeof(ProbeFunction).FullName },
            h => h.AddFunction<SecondProbeFunction>());

        using var response = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Single(host.Probe.Calls);
    }

    [Fact]
    public async Task Post_PushAudienceConfigured_RequiresValidBearerToken()
    {
        await using var host = await RunningFunctionHost.StartAsync(
            new Dictionary<string, string?> { ["IMAGETRUST_PUSH_AUDIENCE"] = "https://pushverifier.example" },
            h => h.ConfigureServices((_, services) => services.AddSingleton<IPushTokenValidator>(new AcceptOneTokenValidator("good"))));

        using var missing = await host.Client.PostAsync("/", Body(EventFixtures.PushCamelCase, "application/json"));
        using var bad = await SendWithTokenAsync(host, "bad");
        using var good = await SendWithTokenAsync(host, "good");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        Assert.Single(host.Probe.Calls);
    }

    private static async Task<HttpResponseMessage> SendWithTokenAsync(RunningFunctionHost host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = Body(EventFixtures.PushCamelCase, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    private static HttpRequestMessage BinaryModeRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(EventFixtures.EventarcBinaryBody, "application/json") };
        foreach (var (name, value) in CloudEventRequestDecoderTests.BinaryHeaders())
        {
            if (name.StartsWith("ce-", StringComparison.Ordinal))
            {
                request.Headers.Add(name, value.ToString());
            }
        }

        return request;
    }

    private static ByteArrayContent Body(string fixture, string contentType)
    {
        var content = new ByteArrayContent(EventFixtures.Load(fixture));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }
}
