using System.Collections.Immutable;
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

    /// <summary>
    /// The confirmation subscriptions variable: comma-separated <c>topic=subscription</c> pairs, one for every event topic, or
    /// unset to mark each event sent in the request that published it.
    /// </summary>
    public const string ConfirmationsVariable = "IMAGETRUST_OUTBOX_CONFIRMATIONS";

    private ImageEventTopics(string quarantine, string alerts, string? verified, ImmutableSortedDictionary<string, string> confirmations)
    {
        Quarantine = quarantine;
        Alerts = alerts;
        Verified = verified;
        Confirmations = confirmations;
    }

    /// <summary>The quarantine topic id (default <c>imagetrust-quarantine</c>).</summary>
    public string Quarantine { get; }

    /// <summary>The alerts topic id (default <c>imagetrust-alerts</c>).</summary>
    public string Alerts { get; }

    /// <summary>The verified topic id, or null when verified events are not published.</summary>
    public string? Verified { get; }

    /// <summary>
    /// The private pull subscription on each event topic, by topic id, from which the drain confirms published events; empty
    /// when each event is marked sent in the request that published it.
    /// </summary>
    public ImmutableSortedDictionary<string, string> Confirmations { get; }

    /// <summary>
    /// Whether published events are confirmed from <see cref="Confirmations"/> by the drain, so the request that published
    /// them leaves them in the outbox (held by its claim) instead of writing the document once more.
    /// </summary>
    public bool ConfirmsBySubscription => !Confirmations.IsEmpty;

    /// <summary>Every topic events go to.</summary>
    public IEnumerable<string> All => Verified is null ? [Quarantine, Alerts] : [Quarantine, Alerts, Verified];

    /// <summary>Creates validated topics.</summary>
    /// <param name="quarantine">The quarantine topic id.</param>
    /// <param name="alerts">The alerts topic id.</param>
    /// <param name="verified">The verified topic id, or null.</param>
    /// <param name="confirmations">The confirmation subscription of every topic, by topic id, or null for none.</param>
    /// <exception cref="ConfigurationException">A topic or subscription id is invalid, or confirmations leave a topic out or name another.</exception>
    public static ImageEventTopics Create(string quarantine = "imagetrust-quarantine", string alerts = "imagetrust-alerts", string? verified = null, IReadOnlyDictionary<string, string>? confirmations = null)
    {
        var topics = new ImageEventTopics(Validate(QuarantineVariable, quarantine), Validate(AlertsVariable, alerts), verified is null ? null : Validate(VerifiedVariable, verified), ImmutableSortedDictionary<string, string>.Empty);
        return confirmations is null or { Count: 0 } ? topics : new(topics.Quarantine, topics.Alerts, topics.Verified, topics.ValidateConfirmations(confirmations));
    }

    /// <summary>Reads the topics through <paramref name="read"/> (a variable's value or null).</summary>
    /// <exception cref="ConfigurationException">A topic id is invalid.</exception>
    public static ImageEventTopics FromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        return Create(Value(read(QuarantineVariable)) ?? "imagetrust-quarantine", Value(read(AlertsVariable)) ?? "imagetrust-alerts", Value(read(VerifiedVariable)), ParseConfirmations(Value(read(ConfirmationsVariable))));
    }

    /// <summary>Parses <c>topic=subscription[,topic=subscription…]</c>; null or empty text is none.</summary>
    /// <exception cref="ConfigurationException">A pair is malformed or names a topic twice.</exception>
    public static IReadOnlyDictionary<string, string>? ParseConfirmations(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in text.Split(','))
        {
            var parts = item.Split('=');
            if (parts is not [{ } topic, { } subscription] || topic.Trim().Length == 0 || subscription.Trim().Length == 0)
            {
                throw new ConfigurationException($"{ConfirmationsVariable}: '{item.Trim()}' is not topic=subscription");
            }

            if (!pairs.TryAdd(topic.Trim(), subscription.Trim()))
            {
                throw new ConfigurationException($"{ConfirmationsVariable}: topic '{topic.Trim()}' is named twice");
            }
        }

        return pairs;
    }

    /// <summary>The topic for an event type, or null when that type is not published.</summary>
    public string? TopicFor(string eventType) => eventType switch
    {
        ImageEventTypes.Quarantined => Quarantine,
        ImageEventTypes.Alert => Alerts,
        ImageEventTypes.Verified => Verified,
        ImageEventTypes.Attested => Verified,
        ImageEventTypes.AttestationWithdrawn => Quarantine,
        _ => null,
    };

    // Every event topic needs one: an event on a topic without one would be held until its claim lapses, then published again.
    private ImmutableSortedDictionary<string, string> ValidateConfirmations(IReadOnlyDictionary<string, string> confirmations)
    {
        var topics = All.ToHashSet(StringComparer.Ordinal);
        if (confirmations.Keys.FirstOrDefault(topic => !topics.Contains(topic)) is { } unknown)
        {
            throw new ConfigurationException($"{ConfirmationsVariable}: '{unknown}' is not an event topic ({string.Join(", ", All)})");
        }

        if (topics.FirstOrDefault(topic => !confirmations.ContainsKey(topic)) is { } missing)
        {
            throw new ConfigurationException($"{ConfirmationsVariable}: the event topic '{missing}' has no confirmation subscription");
        }

        if (confirmations.Values.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new ConfigurationException($"{ConfirmationsVariable}: the subscription '{shared.Key}' is named for more than one topic");
        }

        var subscriptions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (topic, subscription) in confirmations)
        {
            try
            {
                subscriptions.Add(topic, PubSubNames.ValidateId(subscription, "subscription"));
            }
            catch (FormatException exception)
            {
                throw new ConfigurationException($"{ConfirmationsVariable}: {exception.Message}", exception);
            }
        }

        return subscriptions.ToImmutable();
    }

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
