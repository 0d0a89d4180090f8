using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.TestSupport.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>The topics and the security team's pull subscriptions in one emulator project, and pulling what arrived.</summary>
internal sealed class SecurityTeam : IDisposable
{
    public const string QuarantineSubscription = "team-quarantine";
    public const string AlertsSubscription = "team-alerts";

    /// <summary>The quarantine topic's confirmation subscription, named as Terraform names it.</summary>
    public const string QuarantineConfirmSubscription = "imagetrust-quarantine-outbox-confirm";

    /// <summary>The alerts topic's confirmation subscription, named as Terraform names it.</summary>
    public const string AlertsConfirmSubscription = "imagetrust-alerts-outbox-confirm";

    private readonly HttpClient _http = new();

    private SecurityTeam(GoogleCloudSettings settings)
    {
        Settings = settings;
        Admin = new PubSubAdmin(_http, settings, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance);
        Publisher = new RestPubSubPublisher(_http, settings, null, TimeProvider.System, NullLogger<RestPubSubPublisher>.Instance);
    }

    public GoogleCloudSettings Settings { get; }

    public PubSubAdmin Admin { get; }

    public PubSubPublisher Publisher { get; }

    /// <summary>
    /// Creates the private confirmation subscriptions Terraform makes (<c>outbox_confirm_by_subscription</c>); returns the
    /// <c>IMAGETRUST_OUTBOX_CONFIRMATIONS</c> value that names them.
    /// </summary>
    public async Task<string> CreateConfirmationSubscriptionsAsync()
    {
        await Admin.CreateSubscriptionAsync(QuarantineConfirmSubscription, "imagetrust-quarantine", ackDeadlineSeconds: 60);
        await Admin.CreateSubscriptionAsync(AlertsConfirmSubscription, "imagetrust-alerts", ackDeadlineSeconds: 60);
        return $"imagetrust-quarantine={QuarantineConfirmSubscription},imagetrust-alerts={AlertsConfirmSubscription}";
    }

    public static async Task<SecurityTeam> CreateAsync(PipelineEnvironment environment, string projectId)
    {
        var team = new SecurityTeam(environment.Emulators.CreateSettings(projectId));
        await team.Admin.CreateTopicAsync("imagetrust-quarantine");
        await team.Admin.CreateTopicAsync("imagetrust-alerts");
        await team.Admin.CreateSubscriptionAsync(QuarantineSubscription, "imagetrust-quarantine");
        await team.Admin.CreateSubscriptionAsync(AlertsSubscription, "imagetrust-alerts");
        return team;
    }

    /// <summary>Pulls and acknowledges until <paramref name="atLeast"/> messages arrived or the time is up, then drains once more.</summary>
    public async Task<List<ReceivedPubSubMessage>> PullAsync(string subscription, int atLeast, TimeSpan? patience = null)
    {
        var received = new List<ReceivedPubSubMessage>();
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var batch = await Admin.PullAsync(subscription, 1000);
            if (batch.Count > 0)
            {
                received.AddRange(batch);
                await Admin.AcknowledgeAsync(subscription, [.. batch.Select(m => m.AckId)]);
                continue;
            }

            if (received.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        // Anything published late (a duplicate) shows up here.
        await Task.Delay(300);
        var late = await Admin.PullAsync(subscription, 1000);
        if (late.Count > 0)
        {
            received.AddRange(late);
            await Admin.AcknowledgeAsync(subscription, [.. late.Select(m => m.AckId)]);
        }

        return received;
    }

    public void Dispose() => _http.Dispose();
}
