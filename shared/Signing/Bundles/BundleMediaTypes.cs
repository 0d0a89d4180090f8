namespace ImageTrust.Signing.Bundles;

/// <summary>Sigstore bundle media types and the cosign v3 signature predicate.</summary>
internal static class BundleMediaTypes
{
    /// <summary>The v0.3 media type in its current form (also the OCI layer and artifact type).</summary>
    public const string V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>The legacy form prefix, followed by <c>0.1</c>, <c>0.2</c> or <c>0.3</c>.</summary>
    public const string LegacyPrefix = "application/vnd.dev.sigstore.bundle+json;version=";

    /// <summary>The in-toto predicate type of a cosign v3 image signature.</summary>
    public const string CosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

    /// <summary>The bundle minor version (1, 2 or 3) a media type names, or null when unsupported.</summary>
    public static int? MinorVersion(string? mediaType) => mediaType switch
    {
        V03 => 3,
        LegacyPrefix + "0.1" => 1,
        LegacyPrefix + "0.2" => 2,
        LegacyPrefix + "0.3" => 3,
        _ => null,
    };

    /// <summary>Whether an OCI layer media type carries a Sigstore bundle.</summary>
    public static bool IsBundleLayer(string? mediaType) => MinorVersion(mediaType) is not null;
}
