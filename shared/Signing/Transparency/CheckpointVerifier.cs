using System.Security.Cryptography;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Transparency;

/// <summary>
/// Verifies a checkpoint against the log that produced the entry: a signature line named after the log (its host, when
/// known) whose key hint is the first 4 bytes of the log id must verify over the note body; other lines (witness
/// cosignatures, other keys) are allowed and ignored. The checkpoint must commit to the proof's root hash and tree size.
/// </summary>
internal static class CheckpointVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "tlog-checkpoint";

    /// <summary>Verifies <paramref name="proof"/>'s checkpoint with the logs trusted under <paramref name="logId"/>.</summary>
    public static CheckResult Verify(InclusionProof proof, ReadOnlyMemory<byte> logId, TrustedMaterial material)
    {
        if (proof.Checkpoint is null)
        {
            return CheckResult.Fail(Step, "CHECKPOINT_MISSING", "the inclusion proof has no checkpoint");
        }

        SignedCheckpoint checkpoint;
        try
        {
            checkpoint = SignedCheckpoint.Parse(proof.Checkpoint);
        }
        catch (FormatException e)
        {
            return CheckResult.Fail(Step, "CHECKPOINT_MALFORMED", e.Message);
        }

        if (checkpoint.TreeSize != proof.TreeSize || !CryptographicOperations.FixedTimeEquals(checkpoint.RootHash, proof.RootHash))
        {
            return CheckResult.Fail(Step, "CHECKPOINT_MISMATCH", "the checkpoint does not commit to the proof's root hash and tree size");
        }

        foreach (var log in material.FindTransparencyLogs(logId))
        {
            foreach (var signature in checkpoint.Signatures)
            {
                if ((log.Host is null || signature.Name == log.Host)
                    && log.LogId.AsSpan(0, Math.Min(4, log.LogId.Length)).SequenceEqual(signature.KeyHint)
                    && log.Key.VerifyMessage(checkpoint.SignedBody, signature.Signature, HashAlgorithmName.SHA256))
                {
                    return CheckResult.Pass(Step, $"{checkpoint.Origin} size {checkpoint.TreeSize}");
                }
            }
        }

        return CheckResult.Fail(Step, "CHECKPOINT_SIGNATURE_INVALID", "no checkpoint signature from the log verifies");
    }
}
