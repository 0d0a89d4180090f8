namespace ImageTrust.Pipeline.Records;

/// <summary>The result of applying a change.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Record">The record after the change (as committed: its <see cref="ImageRecord.PendingEvents"/> counts the events committed with it, published since or not), or null when none exists.</param>
/// <param name="Transition">The status transition made, or null when the status did not change.</param>
/// <param name="PublishedEvents">How many events were published by this call (including older pending ones).</param>
internal sealed record ApplyResult(ApplyOutcome Outcome, ImageRecord? Record, StatusTransition? Transition, int PublishedEvents);
