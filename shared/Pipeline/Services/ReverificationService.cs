using ImageTrust.Model;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// The scheduled sweep: pages through the image records and re-verifies, at most <see cref="PipelineSettings.ReverifyBatch"/>
/// per run, those whose grace period expired (<c>PENDING_SIGNATURE</c> → <c>QUARANTINED</c> under enforce), those verified
/// under another policy version (policy or trust material changed), and those verified longer than
/// <see cref="PipelineSettings.ReverifyMaxAge"/> ago. The run's message id is recorded on each image, so a redelivered trigger
/// skips what it already did.
/// </summary>
internal sealed class ReverificationService
{
    private const int PageSize = 200;
    private const int MaxExaminedPerRun = 100_000;

    private readonly ImageRecordStore _records;
    private readonly PushVerificationService _verification;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ReverificationService> _logger;
    private readonly AttestationReconciler? _attestations;

    /// <summary>Creates the service; <paramref name="attestations"/> is null when attestations are off.</summary>
    public ReverificationService(ImageRecordStore records, PushVerificationService verification, PipelineSettings settings, TimeProvider timeProvider, ILogger<ReverificationService> logger, AttestationReconciler? attestations = null)
    {
        _attestations = attestations;
        _records = records;
        _verification = verification;
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Runs one sweep for the trigger message <paramref name="runId"/>.</summary>
    /// <returns>How many records were examined and re-verified.</returns>
    /// <exception cref="TransientFailureException">Listing failed, or some re-verifications failed transiently (the others are
    /// recorded; a redelivery retries only what is left).</exception>
    public async Task<ReverificationSummary> RunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var now = _timeProvider.GetUtcNow();
        var examined = 0;
        var reverified = 0;
        var failed = 0;
        TransientFailureException? firstFailure = null;
        string? pageToken = null;
        var batchFull = false;
        do
        {
            var page = await _records.ListAsync(null, PageSize, pageToken, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                examined++;
                if (await ReconcileAttestationAsync(record.Key, runId, cancellationToken).ConfigureAwait(false) is { } drift)
                {
                    firstFailure ??= drift;
                    failed++;
                }

                if (DueReason(record, now) is not { } reason)
                {
                    continue;
                }

                if (reverified + failed >= _settings.ReverifyBatch)
                {
                    _logger.LogInformation("Re-verification batch of {Batch} reached; the rest waits for the next run", _settings.ReverifyBatch);
                    batchFull = true;
                    break;
                }

                try
                {
                    _logger.LogInformation("Re-verifying {Image} ({Reason})", record.Key, reason);
                    await _verification.VerifyImageAsync(record.Key, [runId], cancellationToken).ConfigureAwait(false);
                    reverified++;
                }
                catch (TransientFailureException exception)
                {
                    _logger.LogWarning("Re-verifying {Image} failed transiently: {Error}", record.Key, exception.Message);
                    firstFailure ??= exception;
                    failed++;
                }
            }

            pageToken = page.NextPageToken;
        }
        while (!batchFull && pageToken is not null && examined < MaxExaminedPerRun);

        _logger.LogInformation("Re-verification run {RunId}: {Examined} examined, {Reverified} re-verified, {Failed} failed", runId, examined, reverified, failed);
        if (firstFailure is not null)
        {
            throw new TransientFailureException($"{failed} re-verification(s) failed transiently; the trigger is retried", firstFailure);
        }

        return new ReverificationSummary(examined, reverified);
    }

    // The per-image attestation drift repair; a failure is reported like a failed re-verification (the trigger is retried).
    private async Task<TransientFailureException?> ReconcileAttestationAsync(ImageKey key, string runId, CancellationToken cancellationToken)
    {
        try
        {
            if (_attestations is not null)
            {
                await _attestations.ReconcileAsync(key, runId, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (TransientFailureException exception)
        {
            _logger.LogWarning("Reconciling the attestation of {Image} failed transiently: {Error}", key, exception.Message);
            return exception;
        }
    }

    /// <summary>Why <paramref name="record"/> is due for re-verification at <paramref name="now"/>, or null when it is not.</summary>
    internal string? DueReason(ImageRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Status == ImageStatus.Deleted)
        {
            return null;
        }

        if (record.PolicyVersion != _settings.Policy.Version)
        {
            return "POLICY_CHANGED";
        }

        if (record.Status == ImageStatus.Unmanaged)
        {
            return null;
        }

        if (record.Status == ImageStatus.PendingSignature)
        {
            var rule = _settings.Policy.Rules.FirstOrDefault(r => r.Name == record.PolicyRule);
            if (rule?.SignatureGracePeriod is not { } grace || now - record.FirstSeen >= grace)
            {
                return "GRACE_PERIOD_EXPIRED";
            }
        }

        return record.LastVerified is not { } last || now - last >= _settings.ReverifyMaxAge ? "VERIFICATION_STALE" : null;
    }
}
