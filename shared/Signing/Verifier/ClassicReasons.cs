namespace ImageTrust.Signing.Verifier;

/// <summary>Reason codes of the classic verification steps.</summary>
internal static class ClassicReasons
{
    /// <summary>The layer has no signature annotation.</summary>
    public const string SignatureMissing = "SIGNATURE_MISSING";

    /// <summary>The signature annotation is not base64 or is too large.</summary>
    public const string SignatureMalformed = "SIGNATURE_MALFORMED";

    /// <summary>The signature does not verify over the payload with the key or certificate.</summary>
    public const string SignatureInvalid = "SIGNATURE_INVALID";

    /// <summary>The payload is not a valid simple-signing document.</summary>
    public const string PayloadInvalid = "PAYLOAD_INVALID";

    /// <summary>The payload's <c>critical.type</c> is not the cosign signature type.</summary>
    public const string PayloadTypeInvalid = "PAYLOAD_TYPE_INVALID";

    /// <summary>The payload signs another digest: a replayed signature.</summary>
    public const string DigestMismatch = "DIGEST_MISMATCH";

    /// <summary>No tlog proof, and the rule requires one.</summary>
    public const string TlogMissing = "TLOG_MISSING";

    /// <summary>The bundle annotation is malformed.</summary>
    public const string TlogBundleInvalid = "TLOG_BUNDLE_INVALID";

    /// <summary>The leaf certificate annotation can't be parsed.</summary>
    public const string CertificateInvalid = "CERTIFICATE_INVALID";

    /// <summary>The signing time lies outside the leaf's validity.</summary>
    public const string CertificateNotValidAtSigningTime = "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME";
}
