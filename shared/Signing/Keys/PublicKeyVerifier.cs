using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// A parsed public key that verifies signatures over raw message bytes, as cosign does for classic signatures
/// (the message is hashed by the verifier with the key's digest algorithm).
/// </summary>
internal abstract class PublicKeyVerifier
{
    private string? _keyId;

    /// <summary>Creates the verifier over the key's DER <c>SubjectPublicKeyInfo</c>.</summary>
    protected PublicKeyVerifier(byte[] subjectPublicKeyInfo)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
    }

    /// <summary>The DER <c>SubjectPublicKeyInfo</c> of the key (compare keys by these bytes).</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>The key fingerprint: lower-case hex SHA-256 of the DER <c>SubjectPublicKeyInfo</c>.</summary>
    public string KeyId => _keyId ??= Convert.ToHexStringLower(SHA256.HashData(SubjectPublicKeyInfo.Span));

    /// <summary>A short algorithm name such as <c>ecdsa-p256-sha256</c>.</summary>
    public abstract string Algorithm { get; }

    /// <summary>
    /// Whether <paramref name="signature"/> is a valid signature over <paramref name="message"/>.
    /// Never throws for a malformed signature: it is simply not valid.
    /// </summary>
    public abstract bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>Whether <paramref name="otherSubjectPublicKeyInfo"/> is the same key (same DER <c>SubjectPublicKeyInfo</c>).</summary>
    public bool IsSameKey(ReadOnlySpan<byte> otherSubjectPublicKeyInfo) => SubjectPublicKeyInfo.Span.SequenceEqual(otherSubjectPublicKeyInfo);
}
