using System.Collections.Immutable;
using System.Globalization;
using ImageTrust.Pipeline.Records;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Verification;

namespace ImageTrust.Pipeline.Decisions;

/// <summary>
/// The record changes the pipeline makes, as pure functions of the current record and what was just learned. An image's status
/// combines its signature verdict and its vulnerability verdict; events are raised on entering a status (quarantine event on
/// entering <c>QUARANTINED</c>, alert on entering <c>WARNED</c> or on new blocking CVEs, verified event on entering <c>VERIFIED</c>).
/// </summary>
internal static class ImageChanges
{
    /// <summary>The change after a signature verification of an image under <paramref name="rule"/>.</summary>
    /// <param name="current">The record, or null for a new image.</param>
    /// <param name="result">The verification result.</param>
    /// <param name="rule">The rule that applied.</param>
    /// <param name="policyVersion">The policy version applied.</param>
    /// <param name="now">The processing time (first-seen time of a new image, grace period reference).</param>
    public static RecordChange AfterVerification(ImageRecord? current, ImageVerificationResult result, PolicyRule rule, string policyVersion, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(rule);
        var signature = SignatureStatusPolicy.Decide(result, rule, current?.FirstSeen ?? now, now);
        var blocking = rule.Vulnerabilities is null ? [] : current?.Vulnerabilities?.BlockingCves ?? [];
        var decision = Combine(signature, blocking, rule.Mode);
        var signers = result.Signatures
            .Where(signature => signature.Verified)
            .Select(signature => new VerifiedSigner(signature.Identity ?? signature.Authority ?? signature.KeyId ?? "unknown", signature.Issuer, signature.KeyId, signature.TlogIndex))
            .Distinct()
            .ToImmutableArray();
        return new RecordChange
        {
            Status = decision.Status,
            Reasons = [.. decision.Reasons],
            Signers = signers,
            PolicyRule = rule.Name,
            PolicyVersion = policyVersion,
            Verified = true,
            Events = EventsFor(current, decision, blocking, newBlocking: false),
        };
    }

    /// <summary>
    /// The change after a vulnerability evaluation. A new image is only recorded when a finding blocks it (its signatures are
    /// verified by its push event); an unmanaged or deleted image only gets the summary.
    /// </summary>
    public static RecordChange AfterVulnerabilityScan(ImageRecord? current, VulnerabilityAssessment assessment, PolicyRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(rule);
        var blocking = assessment.Blocking.Select(finding => finding.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var summary = new VulnerabilityFindings(
            assessment.CountsBySeverity.GetValueOrDefault(Severity.Critical),
            assessment.CountsBySeverity.GetValueOrDefault(Severity.High),
            assessment.CountsBySeverity.GetValueOrDefault(Severity.Medium),
            assessment.CountsBySeverity.GetValueOrDefault(Severity.Low),
            assessment.CountsBySeverity.GetValueOrDefault(Severity.Minimal),
            blocking,
            now);
        if (current is null)
        {
            if (blocking.IsEmpty)
            {
                return new RecordChange { Vulnerabilities = summary };
            }

            var fresh = Combine(null, blocking, rule.Mode);
            return new RecordChange
            {
                Status = fresh.Status,
                Reasons = [.. fresh.Reasons],
                Vulnerabilities = summary,
                PolicyRule = rule.Name,
                Events = EventsFor(null, fresh, blocking, newBlocking: true),
            };
        }

        if (current.Status is ImageStatus.Unmanaged or ImageStatus.Deleted)
        {
            return new RecordChange { Vulnerabilities = summary };
        }

        var decision = Combine(SignatureVerdictOf(current, rule.Mode), blocking, rule.Mode);
        var previousBlocking = current.Vulnerabilities?.BlockingCves ?? [];
        var newBlocking = blocking.Except(previousBlocking, StringComparer.Ordinal).Any();
        return new RecordChange
        {
            Status = decision.Status,
            Reasons = [.. decision.Reasons],
            Vulnerabilities = summary,
            Events = EventsFor(current, decision, blocking, newBlocking),
        };
    }

    /// <summary>No rule covers the image: <c>UNMANAGED</c>, no event (the caller logs it).</summary>
    public static RecordChange Unmanaged(ImageRecord? current, string policyVersion)
        => current is { Status: ImageStatus.Unmanaged } && current.PolicyVersion == policyVersion
            ? RecordChange.None
            : RecordChange.To(ImageStatus.Unmanaged, PipelineReasons.NoMatchingRule) with { PolicyVersion = policyVersion };

    /// <summary>
    /// Whether a 404 for the manifest of the image recorded as <paramref name="record"/> is recorded (<see cref="ManifestNotFound"/>):
    /// for a new image and for one already awaiting its manifest. Any other record keeps its status (a deletion is announced by
    /// its own <c>DELETE</c> event).
    /// </summary>
    public static bool AwaitsManifest(ImageRecord? record) => record is null or { Status: ImageStatus.PendingManifest };

    /// <summary>
    /// The registry answered 404 for the manifest of a pushed image, at <paramref name="now"/>. A new image becomes
    /// <c>PENDING_MANIFEST</c> (<c>MANIFEST_NOT_FOUND</c>) without an event: a registry glitch is usually over by the next
    /// check. One already pending stays so (the write moves its next check, see <see cref="ReverificationSchedule"/>); the
    /// first check at least <paramref name="giveUpAfter"/> after the push adds the final reason <c>MANIFEST_NEVER_FOUND</c>
    /// and raises one HIGH alert. Any other record is left as it is.
    /// </summary>
    public static RecordChange ManifestNotFound(ImageRecord? current, PolicyRule rule, string policyVersion, DateTimeOffset now, TimeSpan giveUpAfter)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!AwaitsManifest(current))
        {
            return RecordChange.None;
        }

        var judged = new RecordChange { PolicyRule = rule.Name, PolicyVersion = policyVersion };
        if (current is null)
        {
            return judged with { Status = ImageStatus.PendingManifest, Reasons = [PipelineReasons.ManifestNotFound] };
        }

        if (now - current.FirstSeen < giveUpAfter || current.Reasons.Contains(PipelineReasons.ManifestNeverFound))
        {
            return judged;
        }

        var hours = giveUpAfter.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
        return judged with
        {
            Reasons = [PipelineReasons.ManifestNotFound, PipelineReasons.ManifestNeverFound],
            Events = [ImageEvent.Alert(ImageEventSeverities.High, $"{PipelineReasons.ManifestNeverFound}: the registry still answers 404 for the manifest {hours} h after its push; the image was never verified (never attested) and is re-checked every {hours} h until it is found or deleted")],
        };
    }

    /// <summary>The image was deleted: <c>DELETED</c>; an image never recorded stays unrecorded.</summary>
    public static RecordChange Deleted(ImageRecord? current)
        => current is null || current.Status == ImageStatus.Deleted ? RecordChange.None : RecordChange.To(ImageStatus.Deleted, PipelineReasons.ImageDeleted);

    /// <summary>
    /// The signature verdict stored in a record, without its vulnerability part: what the status would be with no blocking finding.
    /// </summary>
    internal static StatusDecision SignatureVerdictOf(ImageRecord record, EnforcementMode mode)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!record.Reasons.Contains(PipelineReasons.VulnerabilityBlocked))
        {
            return new StatusDecision(record.Status, record.Reasons);
        }

        var remaining = record.Reasons.Where(reason => reason != PipelineReasons.VulnerabilityBlocked).ToList();
        if (remaining.Count == 0)
        {
            return new StatusDecision(ImageStatus.Verified, []);
        }

        if (remaining.Contains(PipelineReasons.ManifestNotFound))
        {
            return new StatusDecision(ImageStatus.PendingManifest, remaining);
        }

        return remaining.Contains(SignatureStatusPolicy.AwaitingSignature)
            ? new StatusDecision(ImageStatus.PendingSignature, remaining)
            : new StatusDecision(mode == EnforcementMode.Enforce ? ImageStatus.Quarantined : ImageStatus.Warned, remaining);
    }

    /// <summary>Adds the vulnerability verdict to a signature verdict (null: none known yet).</summary>
    internal static StatusDecision Combine(StatusDecision? signature, ImmutableArray<string> blockingCves, EnforcementMode mode)
    {
        var reasons = signature?.Reasons.Where(reason => reason != PipelineReasons.VulnerabilityBlocked).ToList() ?? [];
        if (blockingCves.IsDefaultOrEmpty)
        {
            return signature is null ? new StatusDecision(ImageStatus.Verified, reasons) : new StatusDecision(signature.Status, reasons);
        }

        reasons.Add(PipelineReasons.VulnerabilityBlocked);
        var status = mode == EnforcementMode.Enforce || signature?.Status == ImageStatus.Quarantined ? ImageStatus.Quarantined : ImageStatus.Warned;
        return new StatusDecision(status, reasons);
    }

    private static ImmutableArray<ImageEvent> EventsFor(ImageRecord? current, StatusDecision decision, ImmutableArray<string> blockingCves, bool newBlocking)
    {
        var previous = current?.Status;
        var reasons = string.Join(", ", decision.Reasons);
        var cves = blockingCves.IsDefaultOrEmpty ? string.Empty : $"; blocking: {string.Join(", ", blockingCves.Take(10))}";
        if (decision.Status != previous)
        {
            switch (decision.Status)
            {
                case ImageStatus.Quarantined:
                    return [ImageEvent.Quarantined(blockingCves.IsDefaultOrEmpty ? ImageEventSeverities.High : ImageEventSeverities.Critical, $"quarantined: {reasons}{cves}")];
                case ImageStatus.Warned:
                    return [ImageEvent.Alert(ImageEventSeverities.Medium, $"policy violated (warn mode): {reasons}{cves}")];
                case ImageStatus.Verified:
                    return [ImageEvent.Verified(previous is null ? "verified" : $"verified (was {previous.Value.ToWire()})")];
                default:
                    return [];
            }
        }

        return newBlocking && decision.Status is ImageStatus.Quarantined or ImageStatus.Warned
            ? [ImageEvent.Alert(ImageEventSeverities.High, $"new blocking vulnerabilities{cves}")]
            : [];
    }
}
