namespace ImageTrust.Verification;

/// <summary>Reason codes of attestation verification.</summary>
internal static class AttestationReasons
{
    /// <summary>No attestation of the requested predicate type was found.</summary>
    public const string NoAttestations = "NO_ATTESTATIONS";

    /// <summary>Attestations of the type were found, but none verified and met the requirement.</summary>
    public const string NoValidAttestations = "NO_VALID_ATTESTATIONS";

    /// <summary>The statement's predicate type is not the requested one.</summary>
    public const string WrongPredicateType = "WRONG_PREDICATE_TYPE";

    /// <summary>No statement subject carries the image digest.</summary>
    public const string SubjectDigestMismatch = "SUBJECT_DIGEST_MISMATCH";

    /// <summary>A predicate condition of the requirement does not hold.</summary>
    public const string ConditionNotMet = "CONDITION_NOT_MET";

    /// <summary>The envelope or its statement can't be read.</summary>
    public const string StatementMalformed = "STATEMENT_MALFORMED";

    /// <summary>The envelope's payload type is not in-toto.</summary>
    public const string UnsupportedPayloadType = "UNSUPPORTED_PAYLOAD_TYPE";
}
