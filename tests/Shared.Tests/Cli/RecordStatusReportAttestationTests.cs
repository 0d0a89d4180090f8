using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class RecordStatusReportAttestationTests
{
    private static readonly ImageKey Key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    [Fact]
    public void From_AttestedRecord_JsonCarriesTheOccurrenceAndItsTime()
    {
        var record = new ImageRecord { Key = Key, Status = ImageStatus.Verified, FirstSeen = DateTimeOffset.UnixEpoch, Attestation = new ImageAttestation("projects/p/occurrences/abc", new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero)) };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(RecordStatusReport.From(record), StatusJsonContext.Output.RecordStatusReport));

        var attestation = json.RootElement.GetProperty("attestation");
        Assert.Equal("projects/p/occurrences/abc", attestation.GetProperty("occurrence").GetString());
        Assert.Equal("2026-12-02T15:00:00.000000Z", attestation.GetProperty("createdAt").GetString());
        Assert.False(json.RootElement.TryGetProperty("pendingAttestation", out _));
    }

    [Fact]
    public void From_PendingWithdrawal_JsonNamesTheAction()
    {
        var record = new ImageRecord { Key = Key, Status = ImageStatus.Quarantined, FirstSeen = DateTimeOffset.UnixEpoch, PendingAttestation = AttestationAction.Withdraw };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(RecordStatusReport.From(record), StatusJsonContext.Output.RecordStatusReport));

        Assert.Equal("WITHDRAW", json.RootElement.GetProperty("pendingAttestation").GetString());
        Assert.False(json.RootElement.TryGetProperty("attestation", out _));
    }
}
