using ImageTrust.Model;

namespace ImageTrust.Signing.Verifier;

/// <summary>One signature's verification against a rule's authorities (classic layer or bundle).</summary>
/// <param name="Verification">The reported verification: the first authority that passed, else the attempt that got furthest.</param>
/// <param name="SatisfiedAuthorities">Every authority the signature satisfies (used for distinct-authority thresholds).</param>
/// <param name="SignerId">Who signed, so one signer counts once (<c>key:&lt;keyid&gt;</c> or <c>keyless:&lt;issuer&gt; &lt;identity&gt;</c>); null when unknown.</param>
internal sealed record SignatureOutcome(SignatureVerification Verification, IReadOnlyList<string> SatisfiedAuthorities, string? SignerId)
{
    /// <summary>A signed entity that could not be read (missing, refused or malformed): one failed <c>fetch</c> check.</summary>
    public static SignatureOutcome Unreadable(string kind, Digest subject, string location, string reason, string detail)
        => new(
            new SignatureVerification(kind, false, reason, null, null, null, null, null, null, [CheckResult.Fail("fetch", reason, detail)])
            {
                Subject = subject,
                Location = location,
            },
            [],
            null);
}
