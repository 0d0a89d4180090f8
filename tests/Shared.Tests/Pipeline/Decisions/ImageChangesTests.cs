using System.Collections.Immutable;
using ImageTrust.Model;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Pipeline.Decisions;

public sealed class ImageChangesTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly ImageKey s_key = ImageKey.Parse("europe-docker.pkg.dev/p/repo/app@sha256:" + new string('a', 64));

    [Fact]
    public void AfterVerification_NewVerifiedImage_VerifiedWithSignersAndVerifiedEvent()
    {
        var change = ImageChanges.AfterVerification(null, Result(verified: true), Rule(EnforcementMode.Enforce), "v1", s_now);

        Assert.Equal(ImageStatus.Verified, change.Status);
        Assert.Equal("ci@example.com", Assert.Single(change.Signers!.Value).Identity);
        Assert.Equal(ImageEventTypes.Verified, Assert.Single(change.Events).Type);
        Assert.True(change.Verified);
        Assert.Equal("v1", change.PolicyVersion);
    }

    [Fact]
    public void AfterVerification_FailedUnderEnforce_QuarantinedWithQuarantineEvent()
    {
        var change = ImageChanges.AfterVerification(null, Result(verified: false, signatureVerified: false), Rule(EnforcementMode.Enforce), "v1", s_now);

        Assert.Equal(ImageStatus.Quarantined, change.Status);
        Assert.Equal(ImageEventTypes.Quarantined, Assert.Single(change.Events).Type);
    }

    [Fact]
    public void AfterVerification_AlreadyQuarantined_NoSecondEvent()
    {
        var current = Record(ImageStatus.Quarantined, ["SIGNATURE_INVALID"]);

        var change = ImageChanges.AfterVerification(current, Result(verified: false, signatureVerified: false), Rule(EnforcementMode.Enforce), "v1", s_now);

        Assert.Equal(ImageStatus.Quarantined, change.Status);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void AfterVerification_FailedUnderWarn_WarnedWithAlert()
    {
        var change = ImageChanges.AfterVerification(null, Result(verified: false, signatureVerified: false), Rule(EnforcementMode.Warn), "v1", s_now);

        Assert.Equal(ImageStatus.Warned, change.Status);
        Assert.Equal(ImageEventTypes.Alert, Assert.Single(change.Events).Type);
    }

    [Fact]
    public void AfterVerification_VerifiedButBlockingVulnerabilityStored_StaysQuarantined()
    {
        var current = Record(ImageStatus.Quarantined, [PipelineReasons.VulnerabilityBlocked]) with
        {
            Vulnerabilities = new VulnerabilityFindings(0, 1, 0, 0, 0, ["CVE-1"], s_now),
        };

        var change = ImageChanges.AfterVerification(current, Result(verified: true), Rule(EnforcementMode.Enforce), "v1", s_now);

        Assert.Equal(ImageStatus.Quarantined, change.Status);
        Assert.Contains(PipelineReasons.VulnerabilityBlocked, change.Reasons!.Value);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void AfterVulnerabilityScan_BlockingOnVerified_QuarantinedWithSummary()
    {
        var assessment = VulnerabilityEvaluator.Evaluate([new VulnerabilityFinding("CVE-1", Severity.High, true, "openssl")], Rule(EnforcementMode.Enforce).Vulnerabilities!, s_now);

        var change = ImageChanges.AfterVulnerabilityScan(Record(ImageStatus.Verified, []), assessment, Rule(EnforcementMode.Enforce), s_now);

        Assert.Equal(ImageStatus.Quarantined, change.Status);
        Assert.Equal("CVE-1", Assert.Single(change.Vulnerabilities!.BlockingCves));
        Assert.Equal(1, change.Vulnerabilities.High);
        Assert.Equal(ImageEventTypes.Quarantined, Assert.Single(change.Events).Type);
    }

    [Fact]
    public void AfterVulnerabilityScan_BlockingGone_BackToSignatureVerdict()
    {
        var current = Record(ImageStatus.Quarantined, [PipelineReasons.VulnerabilityBlocked]);
        var assessment = VulnerabilityEvaluator.Evaluate([], Rule(EnforcementMode.Enforce).Vulnerabilities!, s_now);

        var change = ImageChanges.AfterVulnerabilityScan(current, assessment, Rule(EnforcementMode.Enforce), s_now);

        Assert.Equal(ImageStatus.Verified, change.Status);
        Assert.Empty(change.Reasons!.Value);
    }

    [Fact]
    public void AfterVulnerabilityScan_NewImageWithoutBlocking_NoStatus()
    {
        var assessment = VulnerabilityEvaluator.Evaluate([new VulnerabilityFinding("CVE-1", Severity.Low, true, null)], Rule(EnforcementMode.Enforce).Vulnerabilities!, s_now);

        var change = ImageChanges.AfterVulnerabilityScan(null, assessment, Rule(EnforcementMode.Enforce), s_now);

        Assert.Null(change.Status);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void Deleted_UnknownImage_NoChange() => Assert.True(ImageChanges.Deleted(null).IsEmpty);

    [Fact]
    public void Unmanaged_SamePolicyVersion_NoChange()
        => Assert.True(ImageChanges.Unmanaged(Record(ImageStatus.Unmanaged, [PipelineReasons.NoMatchingRule]) with { PolicyVersion = "v1" }, "v1").IsEmpty);

    [Fact]
    public void Unmanaged_NewImage_UnmanagedWithoutEvents()
    {
        var change = ImageChanges.Unmanaged(null, "v1");

        Assert.Equal(ImageStatus.Unmanaged, change.Status);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void ManifestNotFound_NewImage_PendingManifestWithoutEvent()
    {
        var change = ImageChanges.ManifestNotFound(null, Rule(EnforcementMode.Enforce), "v2", s_now, TimeSpan.FromHours(24));

        Assert.Equal(ImageStatus.PendingManifest, change.Status);
        Assert.Equal(new[] { PipelineReasons.ManifestNotFound }, change.Reasons!.Value.ToArray());
        Assert.Equal("rule", change.PolicyRule);
        Assert.Equal("v2", change.PolicyVersion);
        Assert.False(change.Verified);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void ManifestNotFound_PendingBeforeTheGiveUpTime_KeepsStatusAndRaisesNothing()
    {
        var current = Record(ImageStatus.PendingManifest, [PipelineReasons.ManifestNotFound]);

        var change = ImageChanges.ManifestNotFound(current, Rule(EnforcementMode.Enforce), "v1", current.FirstSeen.AddHours(24).AddTicks(-1), TimeSpan.FromHours(24));

        Assert.Null(change.Status);
        Assert.Null(change.Reasons);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void ManifestNotFound_PendingAtTheGiveUpTime_FinalReasonAndOneHighAlert()
    {
        var current = Record(ImageStatus.PendingManifest, [PipelineReasons.ManifestNotFound]);
        var giveUp = current.FirstSeen.AddHours(24);

        var change = ImageChanges.ManifestNotFound(current, Rule(EnforcementMode.Enforce), "v1", giveUp, TimeSpan.FromHours(24));
        var later = ImageChanges.ManifestNotFound(current with { Reasons = change.Reasons!.Value }, Rule(EnforcementMode.Enforce), "v1", giveUp.AddDays(1), TimeSpan.FromHours(24));

        Assert.Null(change.Status);
        Assert.Equal(new[] { PipelineReasons.ManifestNotFound, PipelineReasons.ManifestNeverFound }, change.Reasons!.Value.ToArray());
        var alert = Assert.Single(change.Events);
        Assert.Equal(ImageEventTypes.Alert, alert.Type);
        Assert.Equal(ImageEventSeverities.High, alert.Severity);
        Assert.StartsWith(PipelineReasons.ManifestNeverFound, alert.Summary, StringComparison.Ordinal);
        Assert.Empty(later.Events);
    }

    [Theory]
    [InlineData("VERIFIED")]
    [InlineData("QUARANTINED")]
    [InlineData("DELETED")]
    [InlineData("PENDING_SIGNATURE")]
    public void ManifestNotFound_RecordInAnotherStatus_LeftAlone(string status)
    {
        var current = Record(ImageStatusNames.Parse(status), []);

        Assert.False(ImageChanges.AwaitsManifest(current));
        Assert.True(ImageChanges.ManifestNotFound(current, Rule(EnforcementMode.Enforce), "v1", s_now.AddDays(2), TimeSpan.FromHours(24)).IsEmpty);
    }

    [Fact]
    public void AfterVerification_PendingManifestFoundAndSigned_VerifiedWithEventNamingThePendingStatus()
    {
        var current = Record(ImageStatus.PendingManifest, [PipelineReasons.ManifestNotFound]);

        var change = ImageChanges.AfterVerification(current, Result(verified: true), Rule(EnforcementMode.Enforce), "v1", s_now);

        Assert.Equal(ImageStatus.Verified, change.Status);
        Assert.Equal("verified (was PENDING_MANIFEST)", Assert.Single(change.Events).Summary);
    }

    [Fact]
    public void AfterVulnerabilityScan_BlockingGoneOnPendingManifest_BackToPendingManifest()
    {
        var current = Record(ImageStatus.Quarantined, [PipelineReasons.ManifestNotFound, PipelineReasons.VulnerabilityBlocked]);
        var assessment = VulnerabilityEvaluator.Evaluate([], Rule(EnforcementMode.Enforce).Vulnerabilities!, s_now);

        var change = ImageChanges.AfterVulnerabilityScan(current, assessment, Rule(EnforcementMode.Enforce), s_now);

        Assert.Equal(ImageStatus.PendingManifest, change.Status);
    }

    private static ImageRecord Record(ImageStatus status, ImmutableArray<string> reasons) => new()
    {
        Key = s_key,
        Status = status,
        Reasons = reasons,
        FirstSeen = s_now.AddHours(-1),
        LastVerified = s_now.AddHours(-1),
        PolicyVersion = "v1",
    };

    private static PolicyRule Rule(EnforcementMode mode) => new(
        "rule",
        [RepositoryGlob.Parse("europe-docker.pkg.dev/p/**")],
        [new KeyAuthority("key", "pem", null, null)],
        1,
        RequireTlog: true,
        RequireSct: true,
        mode,
        SignatureGracePeriod: TimeSpan.FromMinutes(10),
        MultiArchRequirement.Index,
        SignatureFormats.Any,
        [],
        new VulnerabilityPolicy(Severity.High, OnlyWithFix: true, []));

    private static ImageVerificationResult Result(bool verified, bool signatureVerified = true)
    {
        var reference = ImageReference.Parse(s_key.ToString());
        SignatureVerification[] signatures = [new("classic", signatureVerified, signatureVerified ? "OK" : "SIGNATURE_INVALID", "key", "ci@example.com", null, "abc", 7, s_now, [])];
        return new ImageVerificationResult(reference, verified, signatures, verified ? [] : ["NO_VALID_SIGNATURES"], verified ? ["key"] : []);
    }
}
