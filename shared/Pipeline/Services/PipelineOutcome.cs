using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Services;

/// <summary>What handling one message did, for the function's log line and for tests.</summary>
/// <param name="Key">The image concerned, or null when none was.</param>
/// <param name="Outcome">What the record store did, or null when nothing was applied.</param>
/// <param name="Status">The image's status afterwards, or null.</param>
/// <param name="Transition">The status transition made, or null.</param>
/// <param name="PublishedEvents">Events published by this call.</param>
/// <param name="IgnoredReason">Why nothing was recorded (e.g. <c>TAG_DELETED</c>), or null.</param>
internal sealed record PipelineOutcome(ImageKey? Key, ApplyOutcome? Outcome, ImageStatus? Status, StatusTransition? Transition, int PublishedEvents, string? IgnoredReason)
{
    /// <summary>Nothing recorded, for <paramref name="reason"/>.</summary>
    public static PipelineOutcome Ignored(string reason) => new(null, null, null, null, 0, reason);

    /// <summary>The outcome of applying a change to <paramref name="key"/>.</summary>
    public static PipelineOutcome From(ImageKey key, ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(key, result.Outcome, result.Record?.Status, result.Transition, result.PublishedEvents, null);
    }

    /// <inheritdoc />
    public override string ToString() => IgnoredReason is not null
        ? $"ignored ({IgnoredReason})"
        : $"{Key}: {Outcome}, status {Status?.ToWire() ?? "none"}, {PublishedEvents} event(s) published";
}
