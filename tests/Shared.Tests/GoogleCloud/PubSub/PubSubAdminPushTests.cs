using System.Text;
using System.Text.Json;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.PubSub;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class PubSubAdminPushTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public PubSubAdminPushTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task CreateSubscriptionAsync_PushEndpoint_DeliversEnvelopeToLoopbackServer()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            received.TrySetResult(await reader.ReadToEndAsync());
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        await app.StartAsync();
        var settings = _emulators.CreateSettings();
        var http = new HttpClient();
        var admin = new PubSubAdmin(http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        var publisher = new RestPubSubPublisher(http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
        await admin.CreateTopicAsync("gcr");
        Assert.True(await admin.CreateSubscriptionAsync("gcr-push", "gcr", new Uri(app.Urls.First() + "/")));
        Assert.False(await admin.CreateSubscriptionAsync("gcr-push", "gcr"));

        await publisher.PublishAsync("gcr", [PubSubMessage.FromText("{\"action\":\"INSERT\"}", new Dictionary<string, string> { ["k"] = "v" })]);
        var body = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var envelope = JsonDocument.Parse(body);
        var message = envelope.RootElement.GetProperty("message");
        Assert.Equal("{\"action\":\"INSERT\"}", Encoding.UTF8.GetString(message.GetProperty("data").GetBytesFromBase64()));
        Assert.Equal("v", message.GetProperty("attributes").GetProperty("k").GetString());
        Assert.Equal($"projects/{settings.ProjectId}/subscriptions/gcr-push", envelope.RootElement.GetProperty("subscription").GetString());
    }
}
