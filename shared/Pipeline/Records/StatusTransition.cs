using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Records;

/// <summary>One status change in an image's history.</summary>
/// <param name="From">The previous status, or null for the first record.</param>
/// <param name="To">The new status.</param>
/// <param name="At">When it changed (the processing time).</param>
/// <param name="MessageId">The message that caused it.</param>
/// <param name="Reasons">The reason codes of the new status.</param>
internal sealed record StatusTransition(ImageStatus? From, ImageStatus To, DateTimeOffset At, string MessageId, ImmutableArray<string> Reasons);
