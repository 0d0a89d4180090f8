namespace ImageTrust.Pipeline.Records;

/// <summary>The wire names of <see cref="ImageStatus"/> (Firestore field values, events, CLI output).</summary>
internal static class ImageStatusNames
{
    /// <summary>Every wire name, in the enum's order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<ImageStatus>().Select(ToWire)];

    /// <summary>The wire name, e.g. <c>PENDING_SIGNATURE</c>.</summary>
    public static string ToWire(this ImageStatus status) => status switch
    {
        ImageStatus.Verified => "VERIFIED",
        ImageStatus.PendingSignature => "PENDING_SIGNATURE",
        ImageStatus.Quarantined => "QUARANTINED",
        ImageStatus.Warned => "WARNED",
        ImageStatus.Unmanaged => "UNMANAGED",
        ImageStatus.Deleted => "DELETED",
        ImageStatus.PendingManifest => "PENDING_MANIFEST",
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
        "PENDING_MANIFEST" => ImageStatus.PendingManifest,
        _ => throw new FormatException($"'{text}' is not an image status ({string.Join(", ", All)})"),
    };
}
