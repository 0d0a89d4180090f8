using System.Collections.Immutable;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Cli;

/// <summary>
/// The JSON output of <c>status --output json</c> for one image record (scripts read it; pinned by golden-file tests). Every
/// property is always present, null when unknown; times are RFC 3339 UTC with six fractional digits.
/// </summary>
/// <param name="Image"><c>registry/repository@sha256:…</c>.</param>
/// <param name="Repository"><c>registry/repository</c>.</param>
/// <param name="Digest">The manifest digest.</param>
/// <param name="Status">The status, e.g. <c>QUARANTINED</c>.</param>
/// <param name="Reasons">The reason codes of the status.</param>
/// <param name="Signers">The signers whose signatures verified at the last verification.</param>
/// <param name="Vulnerabilities">The vulnerability summary, or null before any scan result.</param>
/// <param name="ScanStatus">The last Container Analysis discovery status, or null.</param>
/// <param name="PolicyRule">The policy rule applied, or null.</param>
/// <param name="PolicyVersion">The policy version applied, or null.</param>
/// <param name="FirstSeen">When the image was first recorded.</param>
/// <param name="LastVerified">When signatures were last verified, or null.</param>
/// <param name="Updated">When the record was last written, or null.</param>
/// <param name="History">Status transitions, oldest first.</param>
/// <param name="PendingEvents">Events committed with the record and not yet confirmed published.</param>
internal sealed record RecordStatusReport(
    string Image,
    string Repository,
    string Digest,
    string Status,
    ImmutableArray<string> Reasons,
    ImmutableArray<SignerStatusReport> Signers,
    VulnerabilityStatusReport? Vulnerabilities,
    string? ScanStatus,
    string? PolicyRule,
    string? PolicyVersion,
    string FirstSeen,
    string? LastVerified,
    string? Updated,
    ImmutableArray<TransitionStatusReport> History,
    int PendingEvents)
{
    /// <summary>The report of <paramref name="record"/>.</summary>
    public static RecordStatusReport From(ImageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(
            record.Key.ToString(),
            record.Key.Repository,
            record.Key.Digest.ToString(),
            record.Status.ToWire(),
            record.Reasons,
            [.. record.Signers.Select(s => new SignerStatusReport(s.Identity, s.Issuer, s.KeyId, s.TlogIndex))],
            record.Vulnerabilities is { } v ? new VulnerabilityStatusReport(v.Critical, v.High, v.Medium, v.Low, v.Minimal, v.BlockingCves, Time(v.EvaluatedAt)) : null,
            record.ScanStatus,
            record.PolicyRule,
            record.PolicyVersion,
            Time(record.FirstSeen),
            record.LastVerified is { } verified ? Time(verified) : null,
            record.Updated is { } updated ? Time(updated) : null,
            [.. record.History.Select(t => new TransitionStatusReport(t.From?.ToWire(), t.To.ToWire(), Time(t.At), t.MessageId, t.Reasons))],
            record.PendingEvents);
    }

    private static string Time(DateTimeOffset value) => FirestoreValueCodec.FormatTimestamp(value);
}

/// <summary>A signer in a <see cref="RecordStatusReport"/>.</summary>
internal sealed record SignerStatusReport(string Identity, string? Issuer, string? KeyId, long? TlogIndex);

/// <summary>The vulnerability summary in a <see cref="RecordStatusReport"/>.</summary>
internal sealed record VulnerabilityStatusReport(int Critical, int High, int Medium, int Low, int Minimal, ImmutableArray<string> BlockingCves, string EvaluatedAt);

/// <summary>A status transition in a <see cref="RecordStatusReport"/>; <c>From</c> is null for the first.</summary>
internal sealed record TransitionStatusReport(string? From, string To, string At, string MessageId, ImmutableArray<string> Reasons);
