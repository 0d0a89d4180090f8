namespace ImageTrust.Signing.Trust;

/// <summary>The public-key algorithm families Sigstore trust material and bundles use.</summary>
internal enum VerificationKeyAlgorithm
{
    /// <summary>ECDSA over NIST P-256, P-384 or P-521; signatures are DER (RFC 3279).</summary>
    Ecdsa,

    /// <summary>RSA with PKCS#1 v1.5 padding.</summary>
    RsaPkcs1,

    /// <summary>RSA with PSS padding (salt length = hash length).</summary>
    RsaPss,

    /// <summary>Ed25519 (pure, RFC 8032).</summary>
    Ed25519,
}
