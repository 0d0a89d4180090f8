namespace ImageTrust.Signing.Keys;

/// <summary>The algorithm family of a <see cref="VerificationKey"/>.</summary>
internal enum VerificationKeyAlgorithm
{
    /// <summary>ECDSA over NIST P-256, P-384 or P-521; signatures are DER (RFC 3279).</summary>
    Ecdsa,

    /// <summary>RSA whose default padding is PKCS#1 v1.5 (classic cosign signatures may also use PSS).</summary>
    RsaPkcs1,

    /// <summary>RSA that verifies PSS signatures only (salt length = hash length).</summary>
    RsaPss,

    /// <summary>Ed25519 (pure, RFC 8032).</summary>
    Ed25519,
}
