namespace ImageTrust.Pipeline.Records;

/// <summary>The CloudEvent types ImageTrust publishes.</summary>
internal static class ImageEventTypes
{
    /// <summary>An image was quarantined.</summary>
    public const string Quarantined = "dev.imagetrust.image.quarantined.v1";

    /// <summary>An image was verified (published only when a verified topic is configured).</summary>
    public const string Verified = "dev.imagetrust.image.verified.v1";

    /// <summary>A Binary Authorization attestation now exists for a VERIFIED image (published to the verified topic, when configured).</summary>
    public const string Attested = "dev.imagetrust.image.attested.v1";

    /// <summary>An image's Binary Authorization attestations were deleted (published to the quarantine topic).</summary>
    public const string AttestationWithdrawn = "dev.imagetrust.image.attestation_withdrawn.v1";

    /// <summary>Something the security team should look at: a warning, bad input, a vulnerability alert.</summary>
    public const string Alert = "dev.imagetrust.alert.v1";
}
