using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Records;

/// <summary>The recorded truth about one image (repository, digest): its status, why, and how it got there.</summary>
internal sealed record ImageRecord
{
    /// <summary>The most history entries kept (oldest dropped first).</summary>
    public const int MaxHistory = 20;

    /// <summary>The most processed message ids kept for deduplication (oldest dropped first).</summary>
    public const int MaxProcessedMessageIds = 50;

    /// <summary>The most reasons kept.</summary>
    public const int MaxReasons = 32;

    /// <summary>The longest reason kept (longer ones are cut).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The most signers kept.</summary>
    public const int MaxSigners = 20;

    /// <summary>The image.</summary>
    public required ImageKey Key { get; init; }

    /// <summary>The current status.</summary>
    public required ImageStatus Status { get; init; }

    /// <summary>The reason codes of the current status.</summary>
    public ImmutableArray<string> Reasons { get; init; } = [];

    /// <summary>The signers whose signatures verified at the last verification.</summary>
    public ImmutableArray<VerifiedSigner> Signers { get; init; } = [];

    /// <summary>The vulnerability summary, or null before any scan result.</summary>
    public VulnerabilityFindings? Vulnerabilities { get; init; }

    /// <summary>The last Container Analysis discovery status (e.g. <c>FINISHED_SUCCESS</c>), or null.</summary>
    public string? ScanStatus { get; init; }

    /// <summary>The policy rule that applied, or null (e.g. <c>UNMANAGED</c>).</summary>
    public string? PolicyRule { get; init; }

    /// <summary>The policy version (content hash) that was applied, or null.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>When the image was first recorded.</summary>
    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>When signatures were last verified, or null.</summary>
    public DateTimeOffset? LastVerified { get; init; }

    /// <summary>The server time of the last write (null on a record not yet read back).</summary>
    public DateTimeOffset? Updated { get; init; }

    /// <summary>Status transitions, oldest first, at most <see cref="MaxHistory"/>.</summary>
    public ImmutableArray<StatusTransition> History { get; init; } = [];

    /// <summary>Recently processed message ids, oldest first, at most <see cref="MaxProcessedMessageIds"/>.</summary>
    public ImmutableArray<string> ProcessedMessageIds { get; init; } = [];

    /// <summary>The attestation that exists for the image, or null when none does (or attestations are off).</summary>
    public ImageAttestation? Attestation { get; init; }

    /// <summary>The attestation action committed and not yet carried out, or null.</summary>
    public AttestationAction? PendingAttestation { get; init; }

    /// <summary>
    /// Until when one delivery holds the right to carry out <see cref="PendingAttestation"/> (so two concurrent deliveries never
    /// both create an attestation), or null when nobody does. Any later change of the record drops it.
    /// </summary>
    public DateTimeOffset? AttestationClaimedUntil { get; init; }

    /// <summary>
    /// When the record is next due for re-verification under its policy version (the store sets it on every write from the
    /// pipeline's schedule); null when only a policy change makes it due, or never, or on a record read from an older document.
    /// </summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>How many events were committed with the record and are not yet confirmed published (the store sets it).</summary>
    public int PendingEvents { get; init; }

    /// <summary>
    /// From when the earliest pending event may be published by any delivery (its claim lapsed or was given back), or null
    /// when none is pending (the store sets it): the sweep drains records whose time has passed.
    /// </summary>
    public DateTimeOffset? PendingEventsDueAt { get; init; }
}
