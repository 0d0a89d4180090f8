using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>Creates the ECDSA key objects verification imports public keys into.</summary>
internal static class EcdsaKeyFactory
{
    /// <summary>
    /// An empty ECDSA key. On Linux this is the OpenSSL implementation itself: <see cref="ECDsa.Create()"/> returns a
    /// wrapper around it whose span-based DER verify copies the signature through arrays (about 1.4 KB per verify),
    /// while the OpenSSL type verifies without allocating. Elsewhere, the platform default.
    /// </summary>
    public static ECDsa Create() => OperatingSystem.IsLinux() ? new ECDsaOpenSsl() : ECDsa.Create();
}
