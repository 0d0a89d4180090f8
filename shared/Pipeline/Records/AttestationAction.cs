namespace ImageTrust.Pipeline.Records;

/// <summary>
/// What an image's Binary Authorization attestation must become, committed with the change that needs it (the outbox action)
/// and carried out after the commit. Both are idempotent: they bring the attestation to a state, so repeating one is harmless.
/// </summary>
internal enum AttestationAction
{
    /// <summary><c>ATTEST</c>: exactly one attestation must exist (the image is VERIFIED).</summary>
    Attest,

    /// <summary><c>WITHDRAW</c>: no attestation may exist (the image left VERIFIED).</summary>
    Withdraw,
}
