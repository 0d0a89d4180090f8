namespace ImageTrust.Pipeline.Services;

/// <summary>What one re-verification sweep did.</summary>
/// <param name="Examined">Due records read.</param>
/// <param name="Published">Work messages published (one per image).</param>
/// <param name="Confirmed">Outbox events marked sent from the confirmation subscriptions (<see cref="OutboxConfirmer"/>).</param>
internal sealed record ReverificationSummary(int Examined, int Published, int Confirmed = 0);
