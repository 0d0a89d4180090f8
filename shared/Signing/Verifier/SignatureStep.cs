using System.Buffers;
using System.Text;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>Step: the base64 signature annotation verifies over the exact payload bytes.</summary>
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

    /// <summary>Checks the signature with <paramref name="key"/>.</summary>
    public static CheckResult Check(VerificationKey key, AnnotationValue? signatureBase64, ReadOnlySpan<byte> signature, bool decoded, ReadOnlySpan<byte> payload)
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
