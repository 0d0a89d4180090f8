namespace ImageTrust.Pipeline.Records;

/// <summary>The recorded state of one image (repository + digest). Stored as the upper-case wire name, see <see cref="ImageStatusNames"/>.</summary>
internal enum ImageStatus
{
    /// <summary><c>VERIFIED</c>: the policy's signature requirements and vulnerability policy pass.</summary>
    Verified,

    /// <summary><c>PENDING_SIGNATURE</c>: unsigned but still inside the policy's grace period.</summary>
    PendingSignature,

    /// <summary><c>QUARANTINED</c>: failed under <c>enforce</c>.</summary>
    Quarantined,

    /// <summary><c>WARNED</c>: failed under <c>warn</c>/<c>audit</c>.</summary>
    Warned,

    /// <summary><c>UNMANAGED</c>: no policy rule matches the repository.</summary>
    Unmanaged,

    /// <summary><c>DELETED</c>: the image was deleted from the registry.</summary>
    Deleted,

    /// <summary>
    /// <c>PENDING_MANIFEST</c>: a push was announced but the registry answered 404 for its manifest, so nothing could be
    /// verified yet; re-checked by the sweep with a backoff until found (then verified) or deleted. Never counts as verified.
    /// </summary>
    PendingManifest,
}
