using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Decisions;

/// <summary>A decided status and the reason codes behind it.</summary>
internal sealed record StatusDecision(ImageStatus Status, IReadOnlyList<string> Reasons);
