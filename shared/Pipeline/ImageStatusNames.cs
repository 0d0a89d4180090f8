namespace ImageTrust.Pipeline;

/// <summary>Wire names of <see cref="ImageStatus"/> as stored in Firestore and printed by the CLI.</summary>
internal static class ImageStatusNames
{
    /// <summary>The upper-snake wire name, e.g. <c>PENDING_SIGNATURE</c>.</summary>
    public static string ToWire(this ImageStatus status) => status switch
    {
        ImageStatus.Verified => "VERIFIED",
        ImageStatus.PendingSignature => "PENDING_SIGNATURE",
        ImageStatus.Quarantined => "QUARANTINED",
        ImageStatus.Warned => "WARNED",
        ImageStatus.Unmanaged => "UNMANAGED",
        ImageStatus.Deleted => "DELETED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a wire name.</summary>
    /// <exception cref="FormatException">The name is not a known status.</exception>
    public static ImageStatus Parse(string wire) => wire switch
    {
        "VERIFIED" => ImageStatus.Verified,
        "PENDING_SIGNATURE" => ImageStatus.PendingSignature,
        "QUARANTINED" => ImageStatus.Quarantined,
        "WARNED" => ImageStatus.Warned,
        "UNMANAGED" => ImageStatus.Unmanaged,
        "DELETED" => ImageStatus.Deleted,
        _ => throw new FormatException($"'{wire}' is not an image status"),
    };
}
