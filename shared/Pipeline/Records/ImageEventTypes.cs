namespace ImageTrust.Pipeline.Records;

/// <summary>The CloudEvent types ImageTrust publishes.</summary>
internal static class ImageEventTypes
{
    /// <summary>An image was quarantined.</summary>
    public const string Quarantined = "dev.imagetrust.image.quarantined.v1";

    /// <summary>An image was verified (published only when a verified topic is configured).</summary>
    public const string Verified = "dev.imagetrust.image.verified.v1";

    /// <summary>Something the security team should look at: a warning, bad input, a vulnerability alert.</summary>
    public const string Alert = "dev.imagetrust.alert.v1";
}
