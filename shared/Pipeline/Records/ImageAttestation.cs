namespace ImageTrust.Pipeline.Records;

/// <summary>The Binary Authorization attestation that exists for an image: its Container Analysis occurrence.</summary>
/// <param name="OccurrenceName"><c>projects/P/occurrences/ID</c>.</param>
/// <param name="CreatedAt">When Container Analysis created it.</param>
internal sealed record ImageAttestation(string OccurrenceName, DateTimeOffset CreatedAt);
