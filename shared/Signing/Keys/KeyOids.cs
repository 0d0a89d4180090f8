namespace ImageTrust.Signing.Keys;

/// <summary>Object identifiers of public key algorithms and curves.</summary>
internal static class KeyOids
{
    /// <summary>id-ecPublicKey.</summary>
    public const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>rsaEncryption.</summary>
    public const string Rsa = "1.2.840.113549.1.1.1";

    /// <summary>id-RSASSA-PSS (RFC 4055): an RSA key restricted to PSS.</summary>
    public const string RsaPss = "1.2.840.113549.1.1.10";

    /// <summary>id-Ed25519 (RFC 8410).</summary>
    public const string Ed25519 = "1.3.101.112";

    /// <summary>secp256r1 / P-256.</summary>
    public const string P256 = "1.2.840.10045.3.1.7";

    /// <summary>secp384r1 / P-384.</summary>
    public const string P384 = "1.3.132.0.34";

    /// <summary>secp521r1 / P-521.</summary>
    public const string P521 = "1.3.132.0.35";
}
