using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>
/// A parsed public key (from <see cref="PublicKeyParser"/>): a policy key, a bundle's or certificate's signing key, or a log's or
/// CA's key from trust material. Verifies signatures over a message (hashed here) or over a digest computed elsewhere.
/// Thread-safe; the key owns its platform key object and releases it when disposed.
/// </summary>
internal abstract class VerificationKey : IDisposable
{
    private byte[]? _keyId;
    private string? _keyIdHex;

    /// <summary>Creates the key over its DER <c>SubjectPublicKeyInfo</c>.</summary>
    private protected VerificationKey(byte[] subjectPublicKeyInfo)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
    }

    /// <summary>The DER <c>SubjectPublicKeyInfo</c> (compare keys by these bytes).</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>SHA-256 of <see cref="SubjectPublicKeyInfo"/>: the key's fingerprint, and a log's id in Rekor and CT.</summary>
    public byte[] KeyId => _keyId ??= SHA256.HashData(SubjectPublicKeyInfo);

    /// <summary>Lower-case hex of <see cref="KeyId"/>.</summary>
    public string KeyIdHex => _keyIdHex ??= Convert.ToHexStringLower(KeyId);

    /// <summary>The algorithm family.</summary>
    public abstract VerificationKeyAlgorithm Algorithm { get; }

    /// <summary>A short description such as <c>ecdsa-p256-sha256</c>, <c>rsa2048-sha256</c> or <c>ed25519</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The hash the key's signatures use by default: by curve size for ECDSA (Sigstore's key details), else SHA-256.</summary>
    public virtual HashAlgorithmName DefaultHash => HashAlgorithmName.SHA256;

    /// <summary>
    /// Whether <paramref name="signature"/> signs <paramref name="message"/> as cosign accepts a classic signature: ECDSA with
    /// SHA-256 (or the curve's own hash), RSA PKCS#1 v1.5 or PSS over SHA-256 (PSS only for a PSS key), pure Ed25519.
    /// Never throws for a malformed signature.
    /// </summary>
    public abstract bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>
    /// Whether <paramref name="signature"/> signs <paramref name="message"/> hashed with <paramref name="hash"/> (ignored by
    /// Ed25519), RSA with the key's padding. Never throws for a malformed signature.
    /// </summary>
    public abstract bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, HashAlgorithmName hash);

    /// <summary>
    /// Whether <paramref name="signature"/> signs the already computed <paramref name="digest"/> (a <paramref name="hash"/> value).
    /// Always false for Ed25519, which signs messages, not digests.
    /// </summary>
    public abstract bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash);

    /// <summary>Whether <paramref name="otherSubjectPublicKeyInfo"/> is the same key (same DER <c>SubjectPublicKeyInfo</c>).</summary>
    public bool IsSameKey(ReadOnlySpan<byte> otherSubjectPublicKeyInfo) => SubjectPublicKeyInfo.AsSpan().SequenceEqual(otherSubjectPublicKeyInfo);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the platform key.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
