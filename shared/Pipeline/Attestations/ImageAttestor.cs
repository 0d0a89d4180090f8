using System.Collections.Immutable;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Attestations;

/// <summary>
/// Creates and deletes the Binary Authorization attestations of images. Both operations bring the attestation to a state and
/// are safe to repeat: attesting finds an existing attestation before it creates one, withdrawing deletes whatever exists.
/// </summary>
internal abstract class ImageAttestor
{
    /// <summary>Makes sure one attestation exists for <paramref name="key"/>; returns it (found or created).</summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Cloud KMS or Container Analysis failed: retry (nothing is half done).</exception>
    public abstract Task<ImageAttestation> AttestAsync(ImageKey key, CancellationToken cancellationToken = default);

    /// <summary>Deletes every attestation of <paramref name="key"/> on the note; returns how many were deleted.</summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Container Analysis failed: retry.</exception>
    public abstract Task<int> WithdrawAsync(ImageKey key, CancellationToken cancellationToken = default);

    /// <summary>The attestations that exist for <paramref name="key"/> on the note, oldest first.</summary>
    /// <exception cref="ImageTrust.Model.TransientFailureException">Container Analysis failed: retry.</exception>
    public abstract Task<ImmutableArray<ImageAttestation>> ListAsync(ImageKey key, CancellationToken cancellationToken = default);
}
