namespace ImageTrust.Signing.Classic;

/// <summary>Media types of cosign and Sigstore artifacts stored in OCI registries.</summary>
internal static class CosignMediaTypes
{
    /// <summary>A classic signature layer: the blob is the simple-signing payload.</summary>
    public const string SimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>A classic attestation layer (<c>.att</c> tag): a DSSE envelope.</summary>
    public const string DsseEnvelope = "application/vnd.dsse.envelope.v1+json";

    /// <summary>A Sigstore bundle v0.3 layer (cosign v3's default).</summary>
    public const string BundleV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>The prefix of the older <c>application/vnd.dev.sigstore.bundle+json;version=0.x</c> bundle media types.</summary>
    public const string BundleVersionedPrefix = "application/vnd.dev.sigstore.bundle+json;version=0.";

    /// <summary>The payload <c>critical.type</c> of a cosign image signature.</summary>
    public const string SignatureType = "cosign container image signature";

    /// <summary>The cosign tag suffix for signatures.</summary>
    public const string SignatureTagSuffix = ".sig";

    /// <summary>The cosign tag suffix for attestations.</summary>
    public const string AttestationTagSuffix = ".att";

    /// <summary>Whether <paramref name="mediaType"/> is a Sigstore bundle layer (v0.3, or <c>version=0.x</c>).</summary>
    public static bool IsBundle(string? mediaType)
        => mediaType is not null
            && (string.Equals(mediaType, BundleV03, StringComparison.Ordinal)
                || (mediaType.StartsWith(BundleVersionedPrefix, StringComparison.Ordinal)
                    && mediaType.Length > BundleVersionedPrefix.Length
                    && mediaType.AsSpan(BundleVersionedPrefix.Length).IndexOfAnyExcept("0123456789") < 0));
}
