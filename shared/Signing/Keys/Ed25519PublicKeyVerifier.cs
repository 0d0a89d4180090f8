namespace ImageTrust.Signing.Keys;

/// <summary>An Ed25519 key (RFC 8410 <c>SubjectPublicKeyInfo</c>) verifying pure Ed25519 signatures over the message bytes.</summary>
internal sealed class Ed25519PublicKeyVerifier : PublicKeyVerifier
{
    private readonly byte[] _publicKey;

    private Ed25519PublicKeyVerifier(byte[] subjectPublicKeyInfo, byte[] publicKey)
        : base(subjectPublicKeyInfo)
    {
        _publicKey = publicKey;
    }

    /// <inheritdoc />
    public override string Algorithm => "ed25519";

    /// <summary>Creates the verifier from the DER key and its raw 32-byte public key.</summary>
    /// <exception cref="FormatException">The raw key is not 32 bytes.</exception>
    public static Ed25519PublicKeyVerifier Create(byte[] subjectPublicKeyInfo, byte[] publicKey)
    {
        if (publicKey.Length != Ed25519.PublicKeySize)
        {
            throw new FormatException($"Ed25519 public key must be {Ed25519.PublicKeySize} bytes, not {publicKey.Length}");
        }

        return new Ed25519PublicKeyVerifier(subjectPublicKeyInfo, publicKey);
    }

    /// <inheritdoc />
    public override bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => Ed25519.Verify(_publicKey, message, signature);
}
