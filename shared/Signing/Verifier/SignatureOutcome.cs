namespace ImageTrust.Signing.Verifier;

/// <summary>One signature's verification against a rule's authorities (classic layer or bundle).</summary>
/// <param name="Verification">The reported verification: the first authority that passed, else the attempt that got furthest.</param>
/// <param name="SatisfiedAuthorities">Every authority the signature satisfies (used for distinct-authority thresholds).</param>
/// <param name="SignerId">Who signed, so one signer counts once (<c>key:&lt;keyid&gt;</c> or <c>keyless:&lt;issuer&gt; &lt;identity&gt;</c>); null when unknown.</param>
internal sealed record SignatureOutcome(SignatureVerification Verification, IReadOnlyList<string> SatisfiedAuthorities, string? SignerId);
