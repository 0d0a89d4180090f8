using ImageTrust.Policy;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Verification;

/// <summary>A policy authority ready to verify: a key authority with its parsed (or KMS-fetched) key, or a keyless authority.</summary>
/// <param name="Authority">The policy authority.</param>
/// <param name="Key">The public key of a <see cref="KeyAuthority"/>; null for a <see cref="KeylessAuthority"/>.</param>
internal sealed record ResolvedAuthority(Authority Authority, VerificationKey? Key)
{
    /// <summary>The authority's name.</summary>
    public string Name => Authority.Name;
}
