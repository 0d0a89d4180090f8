using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Pipeline.Decisions;

public sealed class ReverificationScheduleTests
{
    private static readonly DateTimeOffset FirstSeen = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);
    private static readonly TrustPolicy Policy = LoadPolicy();
    private static readonly ReverificationSchedule Schedule = new(Policy, MaxAge);

    [Fact]
    public void DueAt_Verified_IsLastVerificationPlusMaxAge()
    {
        var record = Record(ImageStatus.Verified, lastVerified: FirstSeen.AddHours(2));

        Assert.Equal(FirstSeen.AddHours(26), Schedule.DueAt(record));
    }

    [Fact]
    public void DueAt_PendingWithGrace_IsTheGraceExpiry()
    {
        var record = Record(ImageStatus.PendingSignature, lastVerified: FirstSeen, rule: "graced");

        Assert.Equal(FirstSeen.AddMinutes(10), Schedule.DueAt(record));
    }

    [Fact]
    public void DueAt_PendingUnderRuleWithoutGrace_IsDueAtOnce()
    {
        var record = Record(ImageStatus.PendingSignature, lastVerified: FirstSeen, rule: "strict");

        Assert.Equal(FirstSeen, Schedule.DueAt(record));
    }

    [Fact]
    public void DueAt_DeletedOrUnmanaged_NeverByTime()
    {
        Assert.Null(Schedule.DueAt(Record(ImageStatus.Deleted, lastVerified: FirstSeen)));
        Assert.Null(Schedule.DueAt(Record(ImageStatus.Unmanaged, lastVerified: FirstSeen)));
    }

    [Fact]
    public void DueAt_NeverVerified_IsDueSinceFirstSeen()
    {
        Assert.Equal(FirstSeen, Schedule.DueAt(Record(ImageStatus.Warned, lastVerified: null)));
    }

    [Fact]
    public void DueReason_OtherPolicyVersion_PolicyChangedEvenWhenFresh()
    {
        var record = Record(ImageStatus.Unmanaged, lastVerified: FirstSeen) with { PolicyVersion = "sha256:old" };

        Assert.Equal(ReverificationSchedule.PolicyChanged, Schedule.DueReason(record, FirstSeen.AddMinutes(1)));
    }

    [Fact]
    public void DueReason_DeletedUnderOtherPolicyVersion_NeverDue()
    {
        var record = Record(ImageStatus.Deleted, lastVerified: FirstSeen) with { PolicyVersion = "sha256:old" };

        Assert.Null(Schedule.DueReason(record, FirstSeen.AddDays(30)));
    }

    [Fact]
    public void DueReason_BeforeAndAtTheDueTime_NullThenStale()
    {
        var record = Record(ImageStatus.Verified, lastVerified: FirstSeen);

        Assert.Null(Schedule.DueReason(record, FirstSeen.AddHours(24).AddTicks(-1)));
        Assert.Equal(ReverificationSchedule.VerificationStale, Schedule.DueReason(record, FirstSeen.AddHours(24)));
    }

    [Fact]
    public void DueReason_PendingPastItsGrace_GracePeriodExpired()
    {
        var record = Record(ImageStatus.PendingSignature, lastVerified: FirstSeen, rule: "graced");

        Assert.Null(Schedule.DueReason(record, FirstSeen.AddMinutes(9)));
        Assert.Equal(ReverificationSchedule.GracePeriodExpired, Schedule.DueReason(record, FirstSeen.AddMinutes(10)));
    }

    [Theory]
    [InlineData(0, 5)] // written at the push: first check 5 min later
    [InlineData(5, 10)] // then the wait doubles with the time since the push
    [InlineData(10, 20)]
    [InlineData(640, 1280)]
    [InlineData(1280, 1440)] // never past the give-up time (push + maximum age)
    [InlineData(1440, 2880)] // given up: once per maximum age
    [InlineData(2000, 3440)]
    public void DueAt_PendingManifestCheckedAt_BacksOffFromThePushToTheMaxAge(int checkedMinutes, int dueMinutes)
    {
        var record = Record(ImageStatus.PendingManifest, lastVerified: null) with { Updated = FirstSeen.AddMinutes(checkedMinutes) };

        Assert.Equal(FirstSeen.AddMinutes(dueMinutes), Schedule.DueAt(record));
    }

    [Fact]
    public void DueReason_PendingManifest_UsesTheStoredDueTimeNotTheServerUpdateTime()
    {
        // The document's server update time may be any clock; the due time the writer computed is what the sweep queried.
        var record = Record(ImageStatus.PendingManifest, lastVerified: null) with { Updated = FirstSeen.AddDays(-3), DueAt = FirstSeen.AddMinutes(20) };

        Assert.Null(Schedule.DueReason(record, FirstSeen.AddMinutes(19)));
        Assert.Equal(ReverificationSchedule.ManifestRecheck, Schedule.DueReason(record, FirstSeen.AddMinutes(20)));
    }

    [Fact]
    public void DueReason_PendingManifestUnderOtherPolicyVersion_PolicyChanged()
    {
        var record = Record(ImageStatus.PendingManifest, lastVerified: null) with { PolicyVersion = "sha256:old", DueAt = FirstSeen.AddDays(1) };

        Assert.Equal(ReverificationSchedule.PolicyChanged, Schedule.DueReason(record, FirstSeen));
    }

    private static ImageRecord Record(ImageStatus status, DateTimeOffset? lastVerified, string rule = "graced") => new()
    {
        Key = ImageKey.Parse("europe-docker.pkg.dev/p/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"),
        Status = status,
        PolicyRule = rule,
        PolicyVersion = Policy.Version,
        FirstSeen = FirstSeen,
        LastVerified = lastVerified,
    };

    private static TrustPolicy LoadPolicy()
    {
        var pem = string.Join("\n", PolicyTestFiles.EcPublicKeyPem.Trim().Split('\n').Select(line => "            " + line.TrimEnd()));
        var yaml = $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: graced
                scope: ["europe-docker.pkg.dev/p/**"]
                authorities:
                  - key:
                      pem: |
            {pem}
                tlog: insecure-ignore
                signatureGracePeriod: 10m
              - name: strict
                scope: ["gcr.io/**"]
                authorities:
                  - key:
                      pem: |
            {pem}
                tlog: insecure-ignore

            """;
        return TrustPolicyLoader.Parse(yaml, "policy.yaml", Path.GetTempPath());
    }
}
