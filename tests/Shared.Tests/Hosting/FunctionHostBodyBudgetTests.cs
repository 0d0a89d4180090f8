using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageTrust.Hosting;
using ImageTrust.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>The process-wide budget for buffered request bodies, on real Kestrel over real HTTP.</summary>
public sealed class FunctionHostBodyBudgetTests
{
    private const int BodyBound = 64 * 1024;

    [Fact]
    public async Task Post_ConcurrentLargeBodiesBeyondBudget_SomeRefused503AndAllAcceptedProcessed()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time, budgetBytes: 2 * BodyBound);
        var budget = host.Services.GetRequiredService<RequestBodyBudget>();
        host.Probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Six bodies of nearly the bound: two fit the budget and are held in the function; four wait for room.
        var sends = Enumerable.Range(0, 6).Select(i => PostAsync(host.Client, Envelope("m-" + i, BodyBound - 300))).ToList();
        await Until(() => host.Probe.Entered == 2 && budget.WaitingCount == 4);
        time.Advance(budget.MaxWait);
        await Until(() => sends.Count(s => s.IsCompleted) == 4);
        host.Probe.Gate.SetResult();
        var statuses = await Task.WhenAll(sends);

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(2, host.Probe.Calls.Count);
        Assert.Equal(2, host.Probe.Calls.Select(c => c.Data.Message.MessageId).Distinct().Count());
        Assert.Equal(4, host.LogLines.Count(l => l.Contains("Request refused (503)", StringComparison.Ordinal)));
        Assert.Equal(budget.CapacityBytes, budget.AvailableBytes);

        // Nothing stays reserved: the next request is accepted.
        host.Probe.Gate = null;
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(host.Client, Envelope("after", BodyBound - 300)));
        Assert.Equal(budget.CapacityBytes, budget.AvailableBytes);
    }

    [Fact]
    public async Task Post_BudgetFreedWithinTheWait_WaitingRequestsAreProcessed()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time, budgetBytes: 2 * BodyBound);
        var budget = host.Services.GetRequiredService<RequestBodyBudget>();
        host.Probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sends = Enumerable.Range(0, 6).Select(i => PostAsync(host.Client, Envelope("m-" + i, BodyBound - 300))).ToList();
        await Until(() => host.Probe.Entered == 2 && budget.WaitingCount == 4);
        host.Probe.Gate.SetResult();
        var statuses = await Task.WhenAll(sends);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
        Assert.Equal(6, host.Probe.Calls.Count);
        Assert.Equal(budget.CapacityBytes, budget.AvailableBytes);
    }

    [Fact]
    public async Task Post_ChunkedBodyOutgrowsTheRoomLeft_ServiceUnavailableAndBudgetReleased()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time, budgetBytes: BodyBound + (24 * 1024));
        var budget = host.Services.GetRequiredService<RequestBodyBudget>();
        host.Probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = PostAsync(host.Client, Envelope("holder", BodyBound - 300));
        await Until(() => host.Probe.Entered == 1);

        // 24 KiB are left: a chunked body starts in 16 KiB and cannot grow to 32 KiB; it is refused at once, without waiting.
        var status = await PostAsync(host.Client, Envelope("chunked", 40 * 1024), chunked: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(0, budget.WaitingCount);
        host.Probe.Gate.SetResult();
        Assert.Equal(HttpStatusCode.NoContent, await holding);
        Assert.Equal(budget.CapacityBytes, budget.AvailableBytes);
        host.Probe.Gate = null;
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(host.Client, Envelope("chunked-again", 40 * 1024), chunked: true));
    }

    [Fact]
    public async Task Post_ChunkedBodyNearTheBound_AcceptedWhenTheBudgetHasRoom()
    {
        await using var host = await StartAsync(new FakeTimeProvider(), budgetBytes: BodyBound);

        var envelope = Envelope("chunked", BodyBound - 300);

        var status = await PostAsync(host.Client, envelope, chunked: true);

        Assert.Equal(HttpStatusCode.NoContent, status);
        var base64 = JsonNode.Parse(envelope)!["message"]!["data"]!.GetValue<string>();
        Assert.Equal(base64.Length / 4 * 3, Assert.Single(host.Probe.Calls).Data.Message.Data.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOverTheBound_AcknowledgedLoggedAlertedAndBudgetReleased(bool chunked)
    {
        await using var host = await StartAsync(new FakeTimeProvider(), budgetBytes: BodyBound);
        var budget = host.Services.GetRequiredService<RequestBodyBudget>();

        var status = await PostAsync(host.Client, Envelope("big", BodyBound + 1), chunked);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(host.Probe.Calls);
        Assert.Equal(DeliveryReasons.PayloadTooLarge, Assert.Single(host.Alerter.Alerts).ReasonCode);
        Assert.Contains(host.LogLines, l => l.Contains(DeliveryReasons.PayloadTooLarge, StringComparison.Ordinal) && l.Contains("WARN", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(budget.CapacityBytes, budget.AvailableBytes);
    }

    [Fact]
    public async Task Build_BudgetSmallerThanOneBody_ConfigurationError()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => StartAsync(new FakeTimeProvider(), budgetBytes: BodyBound - 1));

        Assert.Contains("budget", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_BudgetVariable_OverridesTheFunctionsDefault()
    {
        await using var host = await RunningFunctionHost.StartAsync(new Dictionary<string, string?> { ["IMAGETRUST_BODY_BUDGET_MIB"] = "20" });

        Assert.Equal(20L * 1024 * 1024, host.Services.GetRequiredService<RequestBodyBudget>().CapacityBytes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("12.5")]
    [InlineData("lots")]
    [InlineData("65537")]
    public void FromVariables_MalformedBudget_ConfigurationError(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => FunctionHostEnvironment.FromVariables(new Dictionary<string, string?> { ["IMAGETRUST_BODY_BUDGET_MIB"] = value }));

        Assert.Contains("IMAGETRUST_BODY_BUDGET_MIB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BudgetVariableBelowTheDefaultBound_ConfigurationError()
    {
        var environment = FunctionHostEnvironment.FromVariables(new Dictionary<string, string?> { ["IMAGETRUST_BODY_BUDGET_MIB"] = "8" });

        Assert.Throws<ConfigurationException>(() => FunctionHost.Build([], h => h.AddFunction<ProbeFunction>(), environment, TextWriter.Null));
    }

    [Fact]
    public async Task Post_LargestPubSubPush_FitsTheDefaultBoundAndIsProcessed()
    {
        // The documented limits at once: data and attributes together 10 MB, 100 attributes of 256-byte keys and 1,024-byte
        // values whose every character JSON escapes to 6 bytes, an ordering key of 1,024 bytes.
        var attributes = new JsonObject();
        for (var i = 0; i < 100; i++)
        {
            attributes[i.ToString("D3", CultureInfo.InvariantCulture) + new string('\u0001', 253)] = new string('\u0002', 1024);
        }

        var data = new byte[FunctionHostBuilder.PubSubMaxMessageBytes - (100 * (256 + 1024))];
        var envelope = new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["data"] = Convert.ToBase64String(data),
                ["attributes"] = attributes,
                ["messageId"] = "17976931348623157",
                ["publishTime"] = "2026-12-02T21:00:00.123456789Z",
                ["orderingKey"] = new string('k', 1024),
            },
            ["subscription"] = "projects/a-project-id-of-30-chars/subscriptions/" + new string('s', 255),
            ["deliveryAttempt"] = 5,
        }.ToJsonString();
        await using var host = await RunningFunctionHost.StartAsync();

        var status = await PostAsync(host.Client, envelope);

        Assert.True(Encoding.UTF8.GetByteCount(envelope) <= FunctionHostBuilder.DefaultMaxRequestBodyBytes, $"{Encoding.UTF8.GetByteCount(envelope)} bytes");
        Assert.Equal(HttpStatusCode.NoContent, status);
        var received = Assert.Single(host.Probe.Calls).Data.Message;
        Assert.Equal(data.Length, received.Data.Length);
        Assert.Equal(100, received.Attributes.Count);
    }

    private static Task<RunningFunctionHost> StartAsync(FakeTimeProvider time, long budgetBytes)
        => RunningFunctionHost.StartAsync(configure: h =>
        {
            h.MaxRequestBodyBytes = BodyBound;
            h.RequestBodyBudgetBytes = budgetBytes;
            h.ConfigureServices((_, services) => services.AddSingleton<TimeProvider>(time));
        });

    private static string Envelope(string messageId, int bodyBytes)
    {
        var shell = JsonSerializer.Serialize(new { message = new { messageId, data = string.Empty }, subscription = "projects/p/subscriptions/s" });
        var dataChars = bodyBytes - Encoding.UTF8.GetByteCount(shell);
        var data = new string('A', dataChars - (dataChars % 4));
        return JsonSerializer.Serialize(new { message = new { messageId, data }, subscription = "projects/p/subscriptions/s" }).PadRight(bodyBytes);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string body, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within a minute");
            await Task.Delay(10);
        }
    }
}
