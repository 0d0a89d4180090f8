using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Step: the entity's signature verifies with the signer's key: a classic annotation over the exact payload bytes, any of
/// a classic envelope's signatures over its PAE, a bundle's message signature over the artifact, or its envelope's signature.
/// </summary>
internal static class SignatureStep
{
    /// <summary>The largest signature accepted (RSA-8192).</summary>
    public const int MaxSignatureBytes = 1024;

    private const int MaxBase64Chars = (MaxSignatureBytes + 2) / 3 * 4;

    // A JSON string spends at most 6 bytes per UTF-16 char (\uXXXX); a longer token cannot hold MaxBase64Chars chars.
    private const int MaxTokenBytes = MaxBase64Chars * 6;

    /// <summary>
    /// Decodes the annotation into <paramref name="destination"/>; false when absent, not base64 (whitespace is ignored, as
    /// <see cref="Convert.FromBase64String"/> does), longer than the base64 of <see cref="MaxSignatureBytes"/>, or empty.
    /// </summary>
    public static bool TryDecode(AnnotationValue? signatureBase64, Span<byte> destination, out int written)
    {
        written = 0;
        if (signatureBase64 is null || signatureBase64.MaxByteCount > MaxTokenBytes)
        {
            return false;
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(signatureBase64.MaxByteCount);
        var chars = ArrayPool<char>.Shared.Rent(MaxBase64Chars);
        try
        {
            var text = utf8.AsSpan(0, signatureBase64.CopyTo(utf8));
            return Encoding.UTF8.GetCharCount(text) <= MaxBase64Chars
                && Convert.TryFromBase64Chars(chars.AsSpan(0, Encoding.UTF8.GetChars(text, chars)), destination, out written)
                && written > 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>Checks <paramref name="entity"/>'s signature with <paramref name="key"/>.</summary>
    /// <param name="entity">The signed entity.</param>
    /// <param name="key">The signer's key, or the certificate's.</param>
    /// <param name="signatureIndex">Which of a classic envelope's signatures verified (see <see cref="SignedEntity.SignatureAt"/>); -1 otherwise.</param>
    public static CheckResult Check(in SignedEntity entity, VerificationKey key, out int signatureIndex)
    {
        ArgumentNullException.ThrowIfNull(key);
        signatureIndex = -1;
        if (entity.MessageSignature is { } message)
        {
            return CheckMessage(entity.Artifact!, message, key);
        }

        if (entity.Envelope is not { } envelope)
        {
            return Check(key, entity.SignatureAnnotation, entity.Signature, entity.SignatureDecoded, entity.Message);
        }

        if (!entity.Classic)
        {
            return key.VerifyMessage(entity.Message, envelope.Signatures[0].Signature, key.DefaultHash)
                ? CheckResult.Pass(ClassicSteps.Signature, "DSSE")
                : CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "the DSSE signature does not verify");
        }

        for (var index = 0; index < envelope.Signatures.Count; index++)
        {
            if (key.VerifyMessage(entity.Message, envelope.Signatures[index].Signature))
            {
                signatureIndex = index;
                return CheckResult.Pass(ClassicSteps.Signature, "DSSE");
            }
        }

        return CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "no DSSE signature verifies over the PAE with this key");
    }

    // A bundle's signature over the artifact (or, when only its digest is known, over that digest); its digest hint must match.
    private static CheckResult CheckMessage(BundleArtifact artifact, MessageSignature message, VerificationKey key)
    {
        if (message.Sha256Digest is { } hint && !hint.AsSpan().SequenceEqual(artifact.Sha256))
        {
            return CheckResult.Fail(ClassicSteps.Signature, "MESSAGE_DIGEST_MISMATCH", "the bundle's message digest is not the artifact's");
        }

        var valid = artifact.Content is { } content
            ? key.VerifyMessage(content, message.Signature, key.DefaultHash)
            : key.DefaultHash == HashAlgorithmName.SHA256 && key.VerifyDigest(artifact.Sha256, message.Signature, HashAlgorithmName.SHA256);
        return valid ? CheckResult.Pass(ClassicSteps.Signature) : CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "the signature does not verify over the artifact");
    }

    // A classic signature annotation over the exact payload bytes.
    private static CheckResult Check(VerificationKey key, AnnotationValue? signatureBase64, ReadOnlySpan<byte> signature, bool decoded, ReadOnlySpan<byte> payload)
    {
        if (signatureBase64 is null)
        {
            return CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureMissing, "the layer has no dev.cosignproject.cosign/signature annotation");
        }

        if (!decoded)
        {
            return CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureMalformed, "the signature annotation is not base64 of at most 1024 bytes");
        }

        return key.VerifyMessage(payload, signature)
            ? CheckResult.Pass(ClassicSteps.Signature)
            : CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "the signature does not verify over the payload with this key");
    }
}
