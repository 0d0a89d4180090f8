using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Records;

public sealed class AttestationActionNamesTests
{
    private static readonly ImageKey Key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
    private static readonly ImageAttestation Attestation = new("projects/p/occurrences/o", DateTimeOffset.UnixEpoch);

    [Fact]
    public void Next_NewVerifiedRecord_Attest()
        => Assert.Equal(AttestationAction.Attest, AttestationActionNames.Next(null, ImageStatus.Verified, null));

    [Theory]
    [InlineData("QUARANTINED")]
    [InlineData("PENDING_SIGNATURE")]
    [InlineData("UNMANAGED")]
    public void Next_NewRecordNotVerified_Nothing(string status)
        => Assert.Null(AttestationActionNames.Next(null, ImageStatusNames.Parse(status), null));

    [Fact]
    public void Next_VerifiedAndAttestedStaysVerified_Nothing()
        => Assert.Null(AttestationActionNames.Next(Record(ImageStatus.Verified, Attestation, null), ImageStatus.Verified, null));

    [Fact]
    public void Next_VerifiedWithoutAttestationStaysVerified_Attest()
        => Assert.Equal(AttestationAction.Attest, AttestationActionNames.Next(Record(ImageStatus.Verified, null, null), ImageStatus.Verified, null));

    [Theory]
    [InlineData("QUARANTINED")]
    [InlineData("WARNED")]
    [InlineData("DELETED")]
    [InlineData("PENDING_SIGNATURE")]
    public void Next_LeavesVerified_Withdraw(string statusName)
    {
        var status = ImageStatusNames.Parse(statusName);
        Assert.Equal(AttestationAction.Withdraw, AttestationActionNames.Next(Record(ImageStatus.Verified, Attestation, null), status, null));
        Assert.Equal(AttestationAction.Withdraw, AttestationActionNames.Next(Record(ImageStatus.Verified, null, null), status, null));
    }

    [Fact]
    public void Next_PendingAttestThenQuarantined_WithdrawSupersedes()
        => Assert.Equal(AttestationAction.Withdraw, AttestationActionNames.Next(Record(ImageStatus.Verified, null, AttestationAction.Attest), ImageStatus.Quarantined, null));

    [Fact]
    public void Next_PendingWithdrawThenVerifiedAgain_AttestSupersedes()
        => Assert.Equal(AttestationAction.Attest, AttestationActionNames.Next(Record(ImageStatus.Quarantined, Attestation, AttestationAction.Withdraw), ImageStatus.Verified, null));

    [Fact]
    public void Next_QuarantinedStaysQuarantinedWithoutAttestation_Nothing()
        => Assert.Null(AttestationActionNames.Next(Record(ImageStatus.Quarantined, null, null), ImageStatus.Quarantined, null));

    [Fact]
    public void Next_Requested_WinsOverTheStatus()
        => Assert.Equal(AttestationAction.Withdraw, AttestationActionNames.Next(Record(ImageStatus.Verified, Attestation, null), ImageStatus.Verified, AttestationAction.Withdraw));

    [Theory]
    [InlineData("attest")]
    [InlineData("")]
    [InlineData("DELETE")]
    public void Parse_NotAnAction_Throws(string text) => Assert.Throws<FormatException>(() => AttestationActionNames.Parse(text));

    [Fact]
    public void RecordUpdate_QuarantineOfAttestedImage_CommitsWithdrawWithTheStatus()
    {
        var update = RecordUpdate.Decide(Key, Record(ImageStatus.Verified, Attestation, null), ["m-2"], _ => RecordChange.To(ImageStatus.Quarantined, "VULNERABILITY_BLOCKED"), DateTimeOffset.UnixEpoch);

        Assert.Equal(ImageStatus.Quarantined, update.Next!.Status);
        Assert.Equal(AttestationAction.Withdraw, update.Next.PendingAttestation);
        Assert.Equal(Attestation, update.Next.Attestation);
    }

    private static ImageRecord Record(ImageStatus status, ImageAttestation? attestation, AttestationAction? pending)
        => new() { Key = Key, Status = status, FirstSeen = DateTimeOffset.UnixEpoch, Attestation = attestation, PendingAttestation = pending, ProcessedMessageIds = ["m-1"] };
}
