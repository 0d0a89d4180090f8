using ImageTrust.Model;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Records;
using ImageTrust.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Pipeline.Decisions;

public sealed class SignatureStatusPolicyTests
{
    private static readonly DateTimeOffset FirstSeen = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly ImageReference Image = ImageReference.Parse("gcr.io/p/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    [Fact]
    public void Decide_Verified_Verified()
    {
        var decision = SignatureStatusPolicy.Decide(Result(verified: true), Rule(EnforcementMode.Enforce, null), FirstSeen, FirstSeen);

        Assert.Equal(ImageStatus.Verified, decision.Status);
    }

    [Fact]
    public void Decide_UnsignedInsideGrace_Pending()
    {
        var decision = SignatureStatusPolicy.Decide(Result(verified: false), Rule(EnforcementMode.Enforce, TimeSpan.FromMinutes(10)), FirstSeen, FirstSeen.AddMinutes(9));

        Assert.Equal(ImageStatus.PendingSignature, decision.Status);
    }

    [Fact]
    public void Decide_UnsignedAfterGrace_Quarantined()
    {
        var decision = SignatureStatusPolicy.Decide(Result(verified: false), Rule(EnforcementMode.Enforce, TimeSpan.FromMinutes(10)), FirstSeen, FirstSeen.AddMinutes(10));

        Assert.Equal(ImageStatus.Quarantined, decision.Status);
        Assert.Contains("NO_SIGNATURES", decision.Reasons);
    }

    [Fact]
    public void Decide_BadSignatureInsideGrace_QuarantinedNotPending()
    {
        var bad = new SignatureVerification(SignatureKinds.ClassicKey, false, "SIGNATURE_INVALID", null, null, null, null, null, null,
            [CheckResult.Fail("signature", "SIGNATURE_INVALID", "bad")]);

        var decision = SignatureStatusPolicy.Decide(Result(verified: false, bad), Rule(EnforcementMode.Enforce, TimeSpan.FromMinutes(10)), FirstSeen, FirstSeen);

        Assert.Equal(ImageStatus.Quarantined, decision.Status);
    }

    [Theory]
    [InlineData("TOO_MANY_SIGNATURES")]
    [InlineData("VERIFICATION_BUDGET_EXCEEDED")]
    [InlineData("VERIFICATION_TIMEOUT")]
    [InlineData("UNSUPPORTED_DIGEST")]
    public void Decide_RefusedVerificationInsideGrace_QuarantinedNotPending(string reason)
    {
        // No signature was judged, yet waiting for one can't change a verification that was refused.
        var refused = new ImageVerificationResult(Image, false, [], [reason], []);

        var decision = SignatureStatusPolicy.Decide(refused, Rule(EnforcementMode.Enforce, TimeSpan.FromMinutes(10)), FirstSeen, FirstSeen);

        Assert.Equal(ImageStatus.Quarantined, decision.Status);
        Assert.Equal([reason], decision.Reasons);
    }

    [Fact]
    public void Decide_FailureUnderWarn_Warned()
    {
        var decision = SignatureStatusPolicy.Decide(Result(verified: false), Rule(EnforcementMode.Warn, null), FirstSeen, FirstSeen);

        Assert.Equal(ImageStatus.Warned, decision.Status);
    }

    private static ImageVerificationResult Result(bool verified, params SignatureVerification[] signatures) =>
        new(Image, verified, signatures, verified ? [] : ["NO_SIGNATURES"], []);

    private static PolicyRule Rule(EnforcementMode mode, TimeSpan? grace) =>
        new("r", [RepositoryGlob.Parse("gcr.io/p/**")], [new KeyAuthority("k", "pem", null)], 1, true, true, mode, grace,
            MultiArchRequirement.Index, SignatureFormats.Any, [], null);
}
