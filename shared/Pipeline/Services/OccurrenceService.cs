using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.Model;
using ImageTrust.Pipeline.Decisions;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Services;

/// <summary>
/// Handles Container Analysis occurrence notifications: VULNERABILITY re-evaluates the image's findings under its rule,
/// DISCOVERY records the scan status, ATTESTATION / DSSE_ATTESTATION re-verify the image. Vulnerability and attestation work is
/// single-flight and coalesced per image (<see cref="ImageWorkCoalescer"/>), so a burst costs one evaluation and one write per
/// image per window.
/// </summary>
internal sealed class OccurrenceService
{
    private const int OccurrencePageSize = 500;
    private const int MaxOccurrencePages = 20;

    private readonly ContainerAnalysisClient _analysis;
    private readonly ImageRecordStore _records;
    private readonly PushVerificationService _verification;
    private readonly ImageWorkCoalescer _coalescer;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<OccurrenceService> _logger;
    private int _evaluations;

    /// <summary>Creates the service.</summary>
    public OccurrenceService(ContainerAnalysisClient analysis, ImageRecordStore records, PushVerificationService verification, ImageWorkCoalescer coalescer, PipelineSettings settings, TimeProvider timeProvider, ILogger<OccurrenceService> logger)
    {
        _analysis = analysis;
        _records = records;
        _verification = verification;
        _coalescer = coalescer;
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>How many vulnerability evaluations ran (each lists the image's occurrences once and writes once).</summary>
    public int VulnerabilityEvaluations => Volatile.Read(ref _evaluations);

    /// <summary>Handles one notification.</summary>
    /// <param name="data">The decoded message data.</param>
    /// <param name="messageId">The Pub/Sub message id.</param>
    /// <param name="cancellationToken">Cancels waiting (a coalesced evaluation goes on for the other callers).</param>
    /// <returns>What was done (for a coalesced evaluation, the outcome is reported as applied without details).</returns>
    /// <exception cref="PermanentInputException">The notification or its occurrence is malformed.</exception>
    /// <exception cref="TransientFailureException">Container Analysis, the registry, Firestore or Pub/Sub is unavailable.</exception>
    public async Task<PipelineOutcome> HandleAsync(ReadOnlyMemory<byte> data, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var notification = OccurrenceNotification.Parse(data.Span);
        var occurrence = await _analysis.GetOccurrenceAsync(notification.Name, cancellationToken).ConfigureAwait(false);
        if (occurrence is null)
        {
            _logger.LogInformation("Occurrence {Occurrence} no longer exists; nothing to do", notification.Name);
            return PipelineOutcome.Ignored("OCCURRENCE_NOT_FOUND");
        }

        var key = ResourceUri.ToImageKey(occurrence.ResourceUri);
        switch (occurrence.Kind)
        {
            case OccurrenceKinds.Vulnerability:
                await _coalescer.RunAsync("vulnerability " + key, messageId, (ids, ct) => EvaluateVulnerabilitiesAsync(key, notification.Project, ids, ct), cancellationToken).ConfigureAwait(false);
                return new PipelineOutcome(key, ApplyOutcome.Applied, null, null, 0, null);

            case OccurrenceKinds.Attestation or OccurrenceKinds.DsseAttestation:
                await _coalescer.RunAsync("verify " + key, messageId, (ids, ct) => _verification.VerifyImageAsync(key, ids, ct), cancellationToken).ConfigureAwait(false);
                return new PipelineOutcome(key, ApplyOutcome.Applied, null, null, 0, null);

            case OccurrenceKinds.Discovery when occurrence.Discovery is { } discovery && AnalysisStatuses.IsFinished(discovery.AnalysisStatus):
                var status = discovery.AnalysisStatus;
                var result = await _records.ApplyAsync(
                    key,
                    messageId,
                    current => current is null || current.ScanStatus == status ? RecordChange.None : new RecordChange { ScanStatus = status },
                    cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("{Image}: scan {ScanStatus} ({Outcome})", key, status, result.Outcome);
                return PipelineOutcome.From(key, result);

            default:
                _logger.LogInformation("Occurrence {Occurrence} of kind {Kind} for {Image} needs no action", occurrence.Name, occurrence.Kind, key);
                return PipelineOutcome.Ignored("NO_ACTION_FOR_KIND");
        }
    }

    private async Task EvaluateVulnerabilitiesAsync(ImageKey key, string project, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _evaluations);
        var rule = _settings.Policy.Match(ImageReference.Parse(key.ToString()));
        if (rule is null)
        {
            _logger.LogInformation("{Image} is unmanaged; vulnerability findings are not evaluated", key);
            return;
        }

        var findings = new List<VulnerabilityFinding>();
        string? pageToken = null;
        var pages = 0;
        do
        {
            var page = await _analysis.ListVulnerabilityOccurrencesAsync(ResourceUri.FromImageKey(key), OccurrencePageSize, pageToken, project, cancellationToken).ConfigureAwait(false);
            findings.AddRange(page.Occurrences.Where(o => o.Vulnerability is not null).Select(ToFinding));
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null && ++pages < MaxOccurrencePages);

        var now = _timeProvider.GetUtcNow();
        var policy = rule.Vulnerabilities ?? new Policy.VulnerabilityPolicy(Severity.Critical, OnlyWithFix: false, []);
        var assessment = VulnerabilityEvaluator.Evaluate(findings, policy, now);
        if (rule.Vulnerabilities is null)
        {
            assessment = assessment with { Blocking = [] };
        }

        // The evaluation is a function of state, not of the notifications: when nothing would change, skip the write (a burst
        // after a CVE refresh mostly re-delivers findings the record already reflects) and spare the document's write budget.
        var snapshot = await _records.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (snapshot.Record is { } stored && IsUnchanged(stored, ImageChanges.AfterVulnerabilityScan(stored, assessment, rule, now)))
        {
            _logger.LogInformation("{Image}: {Findings} finding(s) for {Notifications} notification(s), record already up to date", key, findings.Count, messageIds.Count);
            return;
        }

        var result = await _records.ApplyAsync(key, messageIds, current => ImageChanges.AfterVulnerabilityScan(current, assessment, rule, now), snapshot, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(
            "{Image}: {Findings} finding(s), {Blocking} blocking, for {Notifications} notification(s): {Status} ({Outcome})",
            key,
            findings.Count,
            assessment.Blocking.Count,
            messageIds.Count,
            result.Record?.Status.ToWire() ?? "not recorded",
            result.Outcome);
    }

    private static bool IsUnchanged(ImageRecord stored, RecordChange change)
        => change.Events.IsEmpty
           && (change.Status is null || change.Status == stored.Status)
           && (change.Reasons is null || change.Reasons.Value.SequenceEqual(stored.Reasons))
           && stored.Vulnerabilities is { } before
           && change.Vulnerabilities is { } after
           && before with { EvaluatedAt = after.EvaluatedAt, BlockingCves = [] } == after with { BlockingCves = [] }
           && before.BlockingCves.SequenceEqual(after.BlockingCves);

    private static VulnerabilityFinding ToFinding(Occurrence occurrence)
    {
        var vulnerability = occurrence.Vulnerability!;
        var severity = vulnerability.EffectiveSeverity != Severity.Unspecified ? vulnerability.EffectiveSeverity : vulnerability.Severity;
        var package = vulnerability.PackageIssues.IsDefaultOrEmpty ? null : vulnerability.PackageIssues[0].AffectedPackage;
        return new VulnerabilityFinding(vulnerability.VulnerabilityId, severity, vulnerability.FixAvailable, package);
    }
}
