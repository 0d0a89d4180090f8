using System.Security.Cryptography;

namespace ImageTrust.Signing.Keys;

/// <summary>An Ed25519 key (RFC 8410 <c>SubjectPublicKeyInfo</c>) verifying pure Ed25519 signatures over the message bytes.</summary>
internal sealed class Ed25519VerificationKey : VerificationKey
{
    private readonly byte[] _publicKey;

    // Ed25519 verification is big-integer arithmetic costing milliseconds, and one checkpoint is shared by many entries.
    private readonly VerifiedSignatureCache _verified = new();

    private Ed25519VerificationKey(byte[] subjectPublicKeyInfo, byte[] publicKey)
        : base(subjectPublicKeyInfo)
    {
        _publicKey = publicKey;
    }

    /// <inheritdoc />
    public override VerificationKeyAlgorithm Algorithm => VerificationKeyAlgorithm.Ed25519;

    /// <inheritdoc />
    public override string Name => "ed25519";

    /// <summary>Creates the key from its DER <c>SubjectPublicKeyInfo</c> and the raw public key in it.</summary>
    /// <exception cref="FormatException">The raw key is not 32 bytes, or not a canonical point encoding.</exception>
    internal static Ed25519VerificationKey Create(byte[] subjectPublicKeyInfo, byte[] publicKey)
    {
        if (publicKey.Length != Ed25519.PublicKeySize)
        {
            throw new FormatException($"Ed25519 public key must be {Ed25519.PublicKeySize} bytes, not {publicKey.Length}");
        }

        return Ed25519.IsValidPublicKey(publicKey)
            ? new Ed25519VerificationKey(subjectPublicKeyInfo, publicKey)
            : throw new FormatException("not a valid Ed25519 public key");
    }

    /// <inheritdoc />
    public override bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var publicKey = _publicKey;
        var messageCopy = message.ToArray();
        var signatureCopy = signature.ToArray();
        return _verified.GetOrVerify(message, signature, () => Ed25519.Verify(publicKey, messageCopy, signatureCopy));
    }

    /// <inheritdoc />
    public override bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, HashAlgorithmName hash) => VerifyMessage(message, signature);

    /// <inheritdoc />
    public override bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, HashAlgorithmName hash) => false;
}
