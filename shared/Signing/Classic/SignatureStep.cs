using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Classic;

/// <summary>Step: the base64 signature annotation verifies over the exact payload bytes.</summary>
internal static class SignatureStep
{
    /// <summary>The largest signature accepted (RSA-8192).</summary>
    public const int MaxSignatureBytes = 1024;

    /// <summary>Decodes the annotation into <paramref name="destination"/>; false when absent, not base64, or too large.</summary>
    public static bool TryDecode(string? signatureBase64, Span<byte> destination, out int written)
    {
        written = 0;
        return signatureBase64 is not null
            && signatureBase64.Length <= (MaxSignatureBytes + 2) / 3 * 4
            && Convert.TryFromBase64String(signatureBase64, destination, out written)
            && written > 0;
    }

    /// <summary>Checks the signature with <paramref name="key"/>.</summary>
    public static CheckResult Check(PublicKeyVerifier key, string? signatureBase64, ReadOnlySpan<byte> signature, bool decoded, ReadOnlySpan<byte> payload)
    {
        if (signatureBase64 is null)
        {
            return CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureMissing, "the layer has no dev.cosignproject.cosign/signature annotation");
        }

        if (!decoded)
        {
            return CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureMalformed, "the signature annotation is not base64 of at most 1024 bytes");
        }

        return key.Verify(payload, signature)
            ? CheckResult.Pass(ClassicSteps.Signature)
            : CheckResult.Fail(ClassicSteps.Signature, ClassicReasons.SignatureInvalid, "the signature does not verify over the payload with this key");
    }
}
