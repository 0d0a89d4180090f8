using ImageTrust.Model;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;
using ImageTrust.Registry;
using ImageTrust.Verification;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Handles Artifact Registry push notifications (<c>gcr</c> topic) and every re-verification of an image: resolves the policy
/// rule, verifies the signatures, records the status with its events (outbox) under the message id, exactly once in effect.
/// </summary>
internal sealed class PushVerificationService
{
    private readonly ImageRecordStore _records;
    private readonly RegistryClient _registry;
    private readonly ImageVerifier _verifier;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PushVerificationService> _logger;

    // Pushes of one image that arrive while it is being verified share the next run: one verification and one write for all
    // their message ids, instead of a storm of conflicting writes to one document. No window: an isolated push runs at once.
    private readonly ImageWorkCoalescer _pushes;

    /// <summary>Creates the service.</summary>
    public PushVerificationService(ImageRecordStore records, RegistryClient registry, ImageVerifier verifier, PipelineSettings settings, TimeProvider timeProvider, ILogger<PushVerificationService> logger)
    {
        _records = records;
        _registry = registry;
        _verifier = verifier;
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
        _pushes = new ImageWorkCoalescer(TimeSpan.Zero, timeProvider);
    }

    /// <summary>Handles one <c>gcr</c> message.</summary>
    /// <param name="data">The decoded message data.</param>
    /// <param name="messageId">The Pub/Sub message id (the deduplication key).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="PermanentInputException">The message is malformed (acknowledged and alerted by the host).</exception>
    /// <exception cref="TransientFailureException">The registry, Firestore or Pub/Sub is unavailable: nothing was recorded.</exception>
    public async Task<PipelineOutcome> HandlePushAsync(ReadOnlyMemory<byte> data, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var notification = ArtifactRegistryEvent.Parse(data.Span);
        if (notification.Tag is { } tag && SignatureArtifact.TryGetSubject(tag, null, out var tagSubject))
        {
            return await ReverifySubjectAsync(tag, tagSubject, notification.Action, messageId, cancellationToken).ConfigureAwait(false);
        }

        if (notification.Action == RegistryAction.Delete)
        {
            if (notification.Digest is null)
            {
                _logger.LogInformation("Tag {Tag} deleted; the image itself remains, nothing to record", notification.Tag);
                return PipelineOutcome.Ignored("TAG_DELETED");
            }

            var deleted = ImageKey.From(notification.Digest);
            var result = await _records.ApplyAsync(deleted, messageId, ImageChanges.Deleted, cancellationToken).ConfigureAwait(false);
            return PipelineOutcome.From(deleted, result);
        }

        Manifest manifest;
        try
        {
            manifest = await _registry.GetManifestAsync(notification.Subject, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryNotFoundException) when (notification.Digest is { } announced)
        {
            // Announced but not served (a registry glitch, or deleted already): recorded as awaiting its manifest and re-checked
            // by the sweep until found or deleted, never forgotten.
            var key = ImageKey.From(announced);
            return await _pushes.RunAsync("pending " + key, messageId, (ids, ct) => RecordManifestNotFoundAsync(key, ids, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryNotFoundException e)
        {
            // A tag-only push has no digest to record or re-check under: acknowledged with an alert rather than dropped silently.
            throw new PermanentInputException(PipelineReasons.ManifestNotFound, $"{notification.Subject}: the registry answered 404 for the pushed tag and the message names no digest, so the image can't be recorded or re-checked", e);
        }
        catch (RegistryProtocolException e) when (notification.Digest is { } pushed)
        {
            // The registry served something we refuse for the image itself (a bad redirect, wrong bytes). Retrying would get the
            // same answer, so the digest is verified as it stands and the verdict recorded; its manifest can't show it is a
            // signature artifact, so it is judged as an image.
            _logger.LogWarning("{Image}: the registry's manifest was refused ({Reason}: {Detail}); verifying the pushed digest", pushed, e.ReasonCode, e.Message);
            return await VerifyCoalescedAsync(ImageKey.From(pushed), messageId, assumeNew: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryProtocolException e)
        {
            // A tag-only push whose manifest is refused has no digest to record a verdict under: acknowledged with an alert.
            throw new PermanentInputException(e.ReasonCode, $"{notification.Subject}: the registry's manifest was refused: {e.Message}", e);
        }

        var reference = notification.Subject.WithDigest(manifest.Digest);
        if (SignatureArtifact.TryGetSubject(reference, manifest, out var manifestSubject))
        {
            return await ReverifySubjectAsync(reference, manifestSubject, notification.Action, messageId, cancellationToken).ConfigureAwait(false);
        }

        return await VerifyCoalescedAsync(ImageKey.From(reference), messageId, assumeNew: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Verifies an image under the current policy and records the result for <paramref name="messageIds"/>; a repeat of
    /// already processed ids changes nothing (pending outbox events are still published).
    /// </summary>
    /// <exception cref="TransientFailureException">The registry, Firestore or Pub/Sub is unavailable: nothing was recorded.</exception>
    public Task<PipelineOutcome> VerifyImageAsync(ImageKey key, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
        => VerifyImageAsync(key, messageIds, assumeNew: false, cancellationToken);

    // assumeNew: a pushed manifest is usually a digest never seen, so its record is not read first; the write creates it,
    // and only an image already recorded (a re-push, a redelivery) costs a refused create and a read.
    private async Task<PipelineOutcome> VerifyImageAsync(ImageKey key, IReadOnlyCollection<string> messageIds, bool assumeNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var reference = ImageReference.Parse(key.ToString());
        var policy = _settings.Policy;
        var rule = policy.Match(reference);
        if (rule is null)
        {
            _logger.LogWarning("{Image} is UNMANAGED: no policy rule covers {Repository} (policy {PolicyVersion})", key, key.Repository, policy.Version);
            var unmanaged = await _records.ApplyAsync(key, messageIds, current => ImageChanges.Unmanaged(current, policy.Version), cancellationToken).ConfigureAwait(false);
            return PipelineOutcome.From(key, unmanaged);
        }

        // The record is read while the registry is asked: a redelivery is found and its verification abandoned, and the verdict
        // is committed against the version read, without reading again. A push assumes a new image and reads nothing.
        var started = _timeProvider.GetUtcNow();
        var verificationStarted = _timeProvider.GetTimestamp();
        using var verification = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var verifying = _verifier.VerifyAsync(reference, rule, verification.Token);
        ImageRecordSnapshot snapshot;
        try
        {
            snapshot = assumeNew ? ImageRecordSnapshot.AssumedAbsent(key) : await _records.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbandonAsync(verification, verifying).ConfigureAwait(false);
            throw;
        }

        if (snapshot.Record is { } existing && messageIds.All(existing.ProcessedMessageIds.Contains))
        {
            // Redelivery: the call only publishes what a crash may have left in the outbox.
            await AbandonAsync(verification, verifying).ConfigureAwait(false);
            var duplicate = await _records.ApplyAsync(key, messageIds, _ => RecordChange.None, snapshot, cancellationToken).ConfigureAwait(false);
            return PipelineOutcome.From(key, duplicate);
        }

        var result = await verifying.ConfigureAwait(false);
        var verificationMs = (long)_timeProvider.GetElapsedTime(verificationStarted).TotalMilliseconds;
        if (result.Reasons.Contains(VerificationReasons.ImageNotFound))
        {
            _logger.LogInformation("{Image} is no longer in the registry; no verdict recorded", key);
            return PipelineOutcome.Ignored(VerificationReasons.ImageNotFound);
        }

        foreach (var warning in result.Warnings)
        {
            _logger.LogWarning("{Image} verified with warning {Code}: {Detail}", key, warning.ReasonCode, warning.Detail);
        }

        var now = _timeProvider.GetUtcNow();
        var applied = await _records.ApplyAsync(
            key,
            messageIds,
            current => current?.LastVerified > started
                ? RecordChange.None // a verification that started later already committed; ours is older news
                : ImageChanges.AfterVerification(current, result, rule, policy.Version, now),
            snapshot,
            cancellationToken).ConfigureAwait(false);
        // One line per verification outcome, which the metrics count: a message already processed (a redelivered push, found
        // only at the write) is no new outcome, and the store has logged it as a duplicate.
        if (applied.Outcome != ApplyOutcome.Duplicate)
        {
            _logger.LogInformation(
                "{Image} under rule {Rule}: {Status} ({Reasons}), {Outcome}; verified in {VerificationMs} ms",
                key,
                rule.Name,
                applied.Record?.Status.ToWire() ?? "none",
                string.Join(',', applied.Record?.Reasons ?? []),
                applied.Outcome,
                verificationMs);
        }

        return PipelineOutcome.From(key, applied);
    }

    /// <summary>
    /// Re-checks an image awaiting its manifest (<see cref="ImageStatus.PendingManifest"/>) for <paramref name="messageId"/>:
    /// verified as any push once the registry serves its manifest, else the check is recorded (which moves its next one, and
    /// at the give-up time raises the alert).
    /// </summary>
    /// <exception cref="TransientFailureException">The registry, Firestore or Pub/Sub is unavailable: nothing was recorded.</exception>
    public async Task<PipelineOutcome> RecheckManifestAsync(ImageKey key, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            // Only whether it is served matters here; the verification reads it again within its own budget.
            _ = await _registry.GetManifestAsync(ImageReference.Parse(key.ToString()), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryNotFoundException)
        {
            return await RecordManifestNotFoundAsync(key, [messageId], cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryProtocolException e)
        {
            // Served, but refused: the verification records that verdict, as for a push.
            _logger.LogWarning("{Image}: the registry's manifest was refused ({Reason}); verifying the digest", key, e.ReasonCode);
        }

        return await VerifyImageAsync(key, [messageId], cancellationToken).ConfigureAwait(false);
    }

    // The registry answered 404 for a pushed image's manifest: a new image (or one already awaiting it) is recorded
    // PENDING_MANIFEST under the rule that covers it; any other record is left as it is (ImageChanges.ManifestNotFound).
    private async Task<PipelineOutcome> RecordManifestNotFoundAsync(ImageKey key, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var policy = _settings.Policy;
        if (policy.Match(ImageReference.Parse(key.ToString())) is not { } rule)
        {
            var unmanaged = await _records.ApplyAsync(key, messageIds, current => ImageChanges.Unmanaged(current, policy.Version), cancellationToken).ConfigureAwait(false);
            return PipelineOutcome.From(key, unmanaged);
        }

        var now = _timeProvider.GetUtcNow();
        var applied = await _records.ApplyAsync(key, messageIds, current => ImageChanges.ManifestNotFound(current, rule, policy.Version, now, _settings.ReverifyMaxAge), cancellationToken).ConfigureAwait(false);
        _logger.LogWarning(
            "{Image}: the registry answers 404 for its manifest; {Status} ({Reasons}), {Outcome}",
            key,
            applied.Record?.Status.ToWire() ?? "none",
            string.Join(',', applied.Record?.Reasons ?? []),
            applied.Outcome);
        return PipelineOutcome.From(key, applied);
    }

    private static async Task AbandonAsync(CancellationTokenSource verification, Task<ImageVerificationResult> verifying)
    {
        await verification.CancelAsync().ConfigureAwait(false);
        await ((Task)verifying).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private Task<PipelineOutcome> VerifyCoalescedAsync(ImageKey key, string messageId, bool assumeNew, CancellationToken cancellationToken)
        => _pushes.RunAsync("push " + key, messageId, (ids, ct) => VerifyImageAsync(key, ids, assumeNew, ct), cancellationToken);

    private async Task<PipelineOutcome> ReverifySubjectAsync(ImageReference artifact, Digest subject, RegistryAction action, string messageId, CancellationToken cancellationToken)
    {
        var key = ImageKey.From(artifact.WithDigest(subject));
        _logger.LogInformation("{Artifact} is a signature or attestation ({Action}); re-verifying its subject {Image}", artifact, action, key);
        return await VerifyCoalescedAsync(key, messageId, assumeNew: false, cancellationToken).ConfigureAwait(false);
    }
}
