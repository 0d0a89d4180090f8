using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>The work topic in an emulator project and its push subscription to a Reverifier, as Terraform wires them.</summary>
internal static class ReverifyWork
{
    /// <summary>Creates the work topic and pushes its messages to <paramref name="worker"/> (the emulator delivers them concurrently).</summary>
    public static async Task WireAsync(PipelineEnvironment environment, string projectId, RunningFunction worker)
    {
        using var http = new HttpClient();
        var admin = new PubSubAdmin(http, environment.Emulators.CreateSettings(projectId), null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        await admin.CreateTopicAsync(PipelineSettings.DefaultReverifyWorkTopic);
        await admin.CreateSubscriptionAsync("reverify-work-push", PipelineSettings.DefaultReverifyWorkTopic, pushEndpoint: worker.Url, ackDeadlineSeconds: 60);
    }

    /// <summary>Waits until <paramref name="done"/> holds for the record of <paramref name="key"/>, or fails after <paramref name="patience"/>.</summary>
    public static async Task<ImageRecord> UntilAsync(ImageRecordReader records, ImageKey key, Func<ImageRecord, bool> done, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var record = await records.GetAsync(key);
            if (record is not null && done(record))
            {
                return record;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{key} did not reach the expected state; last seen {record?.Status} verified {record?.LastVerified:O}");
            await Task.Delay(100);
        }
    }
}
