using ImageTrust.Model;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// The per-image drift repair the Reverifier runs for each work message it handles: compares an image's record with the attestations that exist on the
/// note, and commits the action that brings them back in line (carried out like any other, after the commit). A VERIFIED image
/// without an attestation is attested; an image that is not VERIFIED but has one loses it, with an <c>ATTESTATION_DRIFT</c> alert.
/// </summary>
internal sealed class AttestationReconciler
{
    /// <summary>The reason code of the alert raised when an attestation existed for an image that is not VERIFIED.</summary>
    public const string DriftReason = "ATTESTATION_DRIFT";

    private readonly ImageRecordStore _records;
    private readonly ImageAttestor _attestor;
    private readonly AttestorSettings _settings;
    private readonly ILogger<AttestationReconciler> _logger;

    /// <summary>Creates the reconciler.</summary>
    public AttestationReconciler(ImageRecordStore records, ImageAttestor attestor, AttestorSettings settings, ILogger<AttestationReconciler> logger)
    {
        _records = records;
        _attestor = attestor;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>Reconciles one image for the message <paramref name="runId"/> (its deduplication key); returns the action committed, or null when in line.</summary>
    /// <exception cref="TransientFailureException">Firestore, Cloud KMS or Container Analysis failed: the redelivered work message (or the image's next sweep) repeats it.</exception>
    public async Task<AttestationAction?> ReconcileAsync(ImageKey key, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var snapshot = await _records.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (snapshot.Record is not { } record)
        {
            return null;
        }

        var existing = await _attestor.ListAsync(key, cancellationToken).ConfigureAwait(false);
        var verified = record.Status == ImageStatus.Verified;
        AttestationAction? action;
        ImageEvent? alert = null;
        if (record.PendingAttestation is { } pending)
        {
            // An action whose message will not come back (expired or dead-lettered) is finished here.
            action = pending;
        }
        else if (verified)
        {
            action = existing.IsEmpty || !existing.Any(a => a.OccurrenceName == record.Attestation?.OccurrenceName) ? AttestationAction.Attest : null;
        }
        else if (!existing.IsEmpty)
        {
            action = AttestationAction.Withdraw;
            alert = ImageEvent.Alert(ImageEventSeverities.High, $"{DriftReason}: {key} is {record.Status.ToWire()} but {existing.Length} attestation(s) existed on {_settings.NoteName} ({string.Join(", ", existing.Select(a => a.OccurrenceName))}); withdrawn");
        }
        else
        {
            action = record.Attestation is null ? null : AttestationAction.Withdraw;
        }

        if (action is not { } needed)
        {
            return null;
        }

        _logger.LogInformation("{Image} ({Status}) drifted from its attestations ({Count} on the note, record says {Recorded}): {Action}", key, record.Status.ToWire(), existing.Length, record.Attestation?.OccurrenceName ?? "none", needed.ToWire());
        var change = new RecordChange { Attestation = needed, Events = alert is null ? [] : [alert] };
        await _records.ApplyAsync(
            key,
            [runId + "/attestation"],
            current => current is not null && (current.Status == ImageStatus.Verified) == verified ? change : RecordChange.None, // a status change since decides for itself
            snapshot,
            cancellationToken).ConfigureAwait(false);
        return needed;
    }
}
