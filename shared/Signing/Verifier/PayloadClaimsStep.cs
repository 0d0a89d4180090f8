using ImageTrust.Signing.Classic;

namespace ImageTrust.Signing.Verifier;

/// <summary>Step: the payload is a cosign simple-signing document whose <c>docker-manifest-digest</c> is this image's digest.</summary>
internal static class PayloadClaimsStep
{
    /// <summary>Checks the claims; <paramref name="claims"/> is set whenever the payload parses.</summary>
    /// <param name="payload">The exact payload bytes.</param>
    /// <param name="imageDigest">The image digest text, <c>sha256:…</c>.</param>
    /// <param name="claims">The parsed claims, or null.</param>
    public static CheckResult Check(ReadOnlySpan<byte> payload, string imageDigest, out SimpleSigningPayload? claims)
    {
        if (!SimpleSigningPayload.TryParse(payload, out claims, out var error))
        {
            return CheckResult.Fail(ClassicSteps.Claims, ClassicReasons.PayloadInvalid, error);
        }

        if (!string.Equals(claims.Type, CosignMediaTypes.SignatureType, StringComparison.Ordinal))
        {
            return CheckResult.Fail(ClassicSteps.Claims, ClassicReasons.PayloadTypeInvalid, $"payload type is '{Shorten(claims.Type)}', not '{CosignMediaTypes.SignatureType}'");
        }

        if (!string.Equals(claims.DockerManifestDigest, imageDigest, StringComparison.Ordinal))
        {
            return CheckResult.Fail(ClassicSteps.Claims, ClassicReasons.DigestMismatch, $"payload signs {Shorten(claims.DockerManifestDigest)}, not {imageDigest}");
        }

        return CheckResult.Pass(ClassicSteps.Claims);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
