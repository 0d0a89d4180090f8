namespace ImageTrust.Signing.Keys;

/// <summary>Restrictions a key's source places on how it verifies.</summary>
[Flags]
internal enum KeyOptions
{
    /// <summary>The key's defaults.</summary>
    None = 0,

    /// <summary>An RSA key accepts PSS signatures only (a Cloud KMS <c>RSA_SIGN_PSS_…</c> key, a trusted root's <c>…_PSS_…</c> key).</summary>
    RsaPssOnly = 1,
}
