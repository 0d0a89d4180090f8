namespace ImageTrust.Pipeline.Records;

/// <summary>The wire names of <see cref="ImageStatus"/> (Firestore field values, events, CLI output).</summary>
internal static class ImageStatusNames
{
    /// <summary>The wire name, e.g. <c>PENDING_SIGNATURE</c>.</summary>
    public static string ToWire(this ImageStatus status) => status switch
    {
        ImageStatus.Verified => "VERIFIED",
        ImageStatus.PendingSignature => "PENDING_SIGNATURE",
        ImageStatus.Quarantined => "QUARANTINED",
        ImageStatus.Warned => "WARNED",
        ImageStatus.Unmanaged => "UNMANAGED",
        ImageStatus.Deleted => "DELETED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown status"),
    };

    /// <summary>Parses a wire name (case-insensitive).</summary>
    /// <exception cref="FormatException">Not a status name.</exception>
    public static ImageStatus Parse(string text) => text?.ToUpperInvariant() switch
    {
        "VERIFIED" => ImageStatus.Verified,
        "PENDING_SIGNATURE" => ImageStatus.PendingSignature,
        "QUARANTINED" => ImageStatus.Quarantined,
        "WARNED" => ImageStatus.Warned,
        "UNMANAGED" => ImageStatus.Unmanaged,
        "DELETED" => ImageStatus.Deleted,
        _ => throw new FormatException($"'{text}' is not an image status (VERIFIED, PENDING_SIGNATURE, QUARANTINED, WARNED, UNMANAGED, DELETED)"),
    };
}
