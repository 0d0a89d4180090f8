using System.Collections.Immutable;
using System.Text.Json;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Hosting;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Wire;

/// <summary>The CloudEvents ImageTrust publishes, with their Pub/Sub attributes (formats pinned by golden-file tests).</summary>
internal static class ImageCloudEvents
{
    /// <summary>The CloudEvent <c>source</c> prefix.</summary>
    public const string SourcePrefix = "//imagetrust/";

    /// <summary>The <c>digest</c> and <c>repository</c> attribute values of an alert that names no image.</summary>
    public const string Unknown = "unknown";

    private const int MaxDetailLength = 2000;

    /// <summary>The event <paramref name="imageEvent"/> about <paramref name="record"/> (after the change made by <paramref name="messageId"/>).</summary>
    public static CloudEventMessage ForImage(string eventId, ImageEvent imageEvent, ImageRecord record, ImageStatus? previousStatus, string messageId, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(imageEvent);
        ArgumentNullException.ThrowIfNull(record);
        var digest = record.Key.Digest.ToString();
        var cloudEvent = new CloudEvent<ImageEventData>
        {
            Id = eventId,
            Source = SourcePrefix + record.Key.Repository,
            Type = imageEvent.Type,
            Subject = digest,
            Time = FirestoreValueCodec.FormatTimestamp(time),
            Data = new ImageEventData
            {
                Image = record.Key.ToString(),
                Repository = record.Key.Repository,
                Digest = digest,
                Status = record.Status.ToWire(),
                PreviousStatus = previousStatus?.ToWire(),
                Severity = imageEvent.Severity,
                Summary = imageEvent.Summary,
                Reasons = record.Reasons,
                PolicyRule = record.PolicyRule,
                PolicyVersion = record.PolicyVersion,
                Vulnerabilities = record.Vulnerabilities is { } v
                    ? new ImageEventVulnerabilities { Critical = v.Critical, High = v.High, Medium = v.Medium, Low = v.Low, Minimal = v.Minimal, BlockingCves = v.BlockingCves }
                    : null,
                MessageId = messageId,
                SourceProject = record.Key.SourceProject,
            },
        };
        return new CloudEventMessage(
            eventId,
            imageEvent.Type,
            JsonSerializer.Serialize(cloudEvent, CloudEventJsonContext.Default.CloudEventImageEventData),
            Attributes(imageEvent.Type, digest, record.Key.Repository, imageEvent.Severity, record.Key.SourceProject));
    }

    /// <summary>The <c>dev.imagetrust.alert.v1</c> for a delivery the host acknowledged as permanently bad input.</summary>
    public static CloudEventMessage ForRejectedInput(string eventId, PermanentFailureAlert alert, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var cloudEvent = new CloudEvent<RejectedInputAlertData>
        {
            Id = eventId,
            Source = SourcePrefix + alert.FunctionName,
            Type = ImageEventTypes.Alert,
            Time = FirestoreValueCodec.FormatTimestamp(time),
            Data = new RejectedInputAlertData
            {
                Severity = ImageEventSeverities.Medium,
                ReasonCode = alert.ReasonCode,
                Summary = $"input rejected by {alert.FunctionName}: {alert.ReasonCode}",
                Detail = alert.Detail.Length > MaxDetailLength ? alert.Detail[..MaxDetailLength] : alert.Detail,
                Function = alert.FunctionName,
                EventSource = alert.EventSource,
                EventId = alert.EventId,
                MessageId = alert.MessageId,
                SourceProject = TopicProject(alert.EventSource),
            },
        };
        return new CloudEventMessage(
            eventId,
            ImageEventTypes.Alert,
            JsonSerializer.Serialize(cloudEvent, CloudEventJsonContext.Default.CloudEventRejectedInputAlertData),
            Attributes(ImageEventTypes.Alert, Unknown, Unknown, ImageEventSeverities.Medium, cloudEvent.Data.SourceProject).Add("reasonCode", alert.ReasonCode));
    }

    /// <summary>The project of a Pub/Sub topic event source (<c>//pubsub.googleapis.com/projects/P/topics/T</c>), else null.</summary>
    internal static string? TopicProject(string eventSource)
    {
        const string prefix = CloudEventWire.PubSubSourcePrefix + "projects/";
        if (eventSource is null || !eventSource.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = eventSource[prefix.Length..].Split('/');
        return parts is [{ Length: > 0 } project, "topics", { Length: > 0 }] ? project : null;
    }

    // The source project is an attribute too, so a team can filter a subscription to its own projects.
    private static ImmutableSortedDictionary<string, string> Attributes(string type, string digest, string repository, string severity, string? sourceProject)
    {
        var attributes = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
            KeyValuePair.Create("type", type),
            KeyValuePair.Create("digest", digest),
            KeyValuePair.Create("repository", repository),
            KeyValuePair.Create("severity", severity),
        ]);
        return sourceProject is null ? attributes : attributes.Add("sourceProject", sourceProject);
    }
}
