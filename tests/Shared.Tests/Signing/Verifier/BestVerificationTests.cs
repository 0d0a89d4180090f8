using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

/// <summary>The one best-result selection every signed entity's per-authority loop reports through.</summary>
public sealed class BestVerificationTests
{
    [Fact]
    public void Finish_NoAuthorityConsidered_Null()
    {
        var best = default(BestVerification);

        Assert.Null(best.Finish());
    }

    [Fact]
    public void Consider_FailureThenVerified_ReportsTheVerifiedOneAndItsAuthority()
    {
        var best = default(BestVerification);
        best.Consider(Failed("TLOG_MISSING", passedBefore: 3), null);
        best.Consider(Verified("release"), "key:abc");

        var outcome = best.Finish()!;

        Assert.True(outcome.Verification.Verified);
        Assert.Equal(["release"], outcome.SatisfiedAuthorities);
        Assert.Equal("key:abc", outcome.SignerId);
    }

    [Fact]
    public void Consider_TwoFailures_ReportsTheOneThatPassedMoreChecks()
    {
        var best = default(BestVerification);
        best.Consider(Failed("SIGNATURE_INVALID", passedBefore: 0), null);
        best.Consider(Failed("IDENTITY_MISMATCH", passedBefore: 4), null);
        best.Consider(Failed("CERTIFICATE_INVALID", passedBefore: 1), null);

        var outcome = best.Finish()!;

        Assert.Equal("IDENTITY_MISMATCH", outcome.Verification.Reason);
        Assert.Empty(outcome.SatisfiedAuthorities);
        Assert.Null(outcome.SignerId);
    }

    [Fact]
    public void Consider_TwoVerified_KeepsTheFirstAndCountsBothAuthorities()
    {
        var best = default(BestVerification);
        best.Consider(Verified("release"), "key:abc");
        best.Consider(Verified("backup"), "key:def");

        var outcome = best.Finish()!;

        Assert.Equal("release", outcome.Verification.Authority);
        Assert.Equal(["release", "backup"], outcome.SatisfiedAuthorities);
        Assert.Equal("key:abc", outcome.SignerId);
    }

    private static SignatureVerification Verified(string authority)
        => new(SignatureKinds.ClassicKey, true, "OK", authority, null, null, "abc", null, null, [CheckResult.Pass("signature")]);

    private static SignatureVerification Failed(string reason, int passedBefore)
    {
        var checks = Enumerable.Range(0, passedBefore).Select(i => CheckResult.Pass($"step-{i}")).Append(CheckResult.Fail("last", reason, "failed")).ToList();
        return new(SignatureKinds.ClassicKey, false, reason, null, null, null, null, null, null, checks);
    }
}
