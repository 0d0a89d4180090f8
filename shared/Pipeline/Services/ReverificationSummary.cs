namespace ImageTrust.Pipeline.Services;

/// <summary>What one re-verification run did.</summary>
/// <param name="Examined">Records examined.</param>
/// <param name="Reverified">Images re-verified (recorded, or found already processed for this run).</param>
internal sealed record ReverificationSummary(int Examined, int Reverified);
