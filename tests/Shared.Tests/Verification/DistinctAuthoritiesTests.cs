using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Verification;

public sealed class DistinctAuthoritiesTests
{
    [Fact]
    public void Match_SameAuthorityTwice_CountsOnce()
    {
        Assert.Equal(["a"], DistinctAuthorities.Match([Outcome("k1", "a"), Outcome("k1", "a"), Outcome("k2", "a")]));
    }

    [Fact]
    public void Match_OneSignerSatisfyingTwoAuthorities_CountsOnce()
    {
        Assert.Single(DistinctAuthorities.Match([Outcome("k1", "a", "b"), Outcome("k1", "a", "b")]));
    }

    [Fact]
    public void Match_AugmentingPath_FindsMaximum()
    {
        // Greedy would give k1→a and leave k2 (which only satisfies a) unmatched.
        Assert.Equal(["a", "b"], DistinctAuthorities.Match([Outcome("k1", "a", "b"), Outcome("k2", "a")]));
    }

    [Fact]
    public void Match_FailedSignatures_Ignored()
    {
        Assert.Empty(DistinctAuthorities.Match([Outcome("k1")]));
    }

    private static SignatureOutcome Outcome(string signer, params string[] authorities)
        => new(new SignatureVerification(SignatureKinds.ClassicKey, authorities.Length > 0, "OK", null, null, null, null, null, null, [CheckResult.Pass("x")]), authorities, signer);
}
