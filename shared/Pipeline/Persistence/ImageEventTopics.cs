using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>The Pub/Sub topics events go to. Validated once at start.</summary>
internal sealed record ImageEventTopics
{
    /// <summary>The quarantine topic variable.</summary>
    public const string QuarantineVariable = "IMAGETRUST_QUARANTINE_TOPIC";

    /// <summary>The alerts topic variable.</summary>
    public const string AlertsVariable = "IMAGETRUST_ALERTS_TOPIC";

    /// <summary>The optional verified topic variable.</summary>
    public const string VerifiedVariable = "IMAGETRUST_VERIFIED_TOPIC";

    private ImageEventTopics(string quarantine, string alerts, string? verified)
    {
        Quarantine = quarantine;
        Alerts = alerts;
        Verified = verified;
    }

    /// <summary>The quarantine topic id (default <c>imagetrust-quarantine</c>).</summary>
    public string Quarantine { get; }

    /// <summary>The alerts topic id (default <c>imagetrust-alerts</c>).</summary>
    public string Alerts { get; }

    /// <summary>The verified topic id, or null when verified events are not published.</summary>
    public string? Verified { get; }

    /// <summary>Creates validated topics.</summary>
    /// <exception cref="ConfigurationException">A topic id is invalid.</exception>
    public static ImageEventTopics Create(string quarantine = "imagetrust-quarantine", string alerts = "imagetrust-alerts", string? verified = null)
        => new(Validate(QuarantineVariable, quarantine), Validate(AlertsVariable, alerts), verified is null ? null : Validate(VerifiedVariable, verified));

    /// <summary>Reads the topics through <paramref name="read"/> (a variable's value or null).</summary>
    /// <exception cref="ConfigurationException">A topic id is invalid.</exception>
    public static ImageEventTopics FromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        return Create(Value(read(QuarantineVariable)) ?? "imagetrust-quarantine", Value(read(AlertsVariable)) ?? "imagetrust-alerts", Value(read(VerifiedVariable)));
    }

    /// <summary>The topic for an event type, or null when that type is not published.</summary>
    public string? TopicFor(string eventType) => eventType switch
    {
        ImageEventTypes.Quarantined => Quarantine,
        ImageEventTypes.Alert => Alerts,
        ImageEventTypes.Verified => Verified,
        _ => null,
    };

    private static string Validate(string variable, string topic)
    {
        try
        {
            return PubSubNames.ValidateId(topic, "topic");
        }
        catch (FormatException exception)
        {
            throw new ConfigurationException($"{variable}: {exception.Message}", exception);
        }
    }
}
