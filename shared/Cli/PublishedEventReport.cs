using System.Collections.Immutable;

namespace ImageTrust.Cli;

/// <summary>One event ImageTrust published (a quarantine, alert or verified CloudEvent), as a subscriber pulled it.</summary>
/// <param name="Id">The CloudEvent id (consumers deduplicate on it).</param>
/// <param name="Type">The CloudEvent type, e.g. <c>dev.imagetrust.image.quarantined.v1</c>.</param>
/// <param name="Time">The CloudEvent time, RFC 3339 UTC.</param>
/// <param name="Severity">The severity attribute, or <c>-</c> when the message has none.</param>
/// <param name="Image">The image (<c>registry/repository@sha256:…</c>), or null for an alert about input that names no image.</param>
/// <param name="Summary">The event's one-line summary, or empty.</param>
/// <param name="Reasons">The reason codes (an image event's reasons, or an alert's reason code).</param>
internal sealed record PublishedEventReport(string Id, string Type, DateTimeOffset Time, string Severity, string? Image, string Summary, ImmutableArray<string> Reasons);
