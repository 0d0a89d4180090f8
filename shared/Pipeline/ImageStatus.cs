namespace ImageTrust.Pipeline;

/// <summary>The recorded status of one image (repository + digest).</summary>
internal enum ImageStatus
{
    /// <summary>The rule's signature (and attestation and vulnerability) requirements are met.</summary>
    Verified,

    /// <summary>Unsigned, but still inside the rule's signature grace period.</summary>
    PendingSignature,

    /// <summary>Failed under an <c>enforce</c> rule.</summary>
    Quarantined,

    /// <summary>Failed under a <c>warn</c> rule.</summary>
    Warned,

    /// <summary>No policy rule covers the repository.</summary>
    Unmanaged,

    /// <summary>The image was deleted from the registry.</summary>
    Deleted,
}
