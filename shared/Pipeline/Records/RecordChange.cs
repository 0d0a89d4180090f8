using System.Collections.Immutable;

namespace ImageTrust.Pipeline.Records;

/// <summary>
/// What a decision does to a record. Properties left null keep the stored value. <see cref="None"/> changes nothing
/// but still records the message as processed.
/// </summary>
internal sealed record RecordChange
{
    /// <summary>No change (the message is still recorded as processed).</summary>
    public static RecordChange None { get; } = new();

    /// <summary>The new status, or null to keep it (a new record without a status is not created).</summary>
    public ImageStatus? Status { get; init; }

    /// <summary>The new reasons, or null to keep them (set with <see cref="Status"/>).</summary>
    public ImmutableArray<string>? Reasons { get; init; }

    /// <summary>The verified signers, or null to keep them.</summary>
    public ImmutableArray<VerifiedSigner>? Signers { get; init; }

    /// <summary>The vulnerability summary, or null to keep it.</summary>
    public VulnerabilityFindings? Vulnerabilities { get; init; }

    /// <summary>The scan status, or null to keep it.</summary>
    public string? ScanStatus { get; init; }

    /// <summary>The policy rule name, or null to keep it.</summary>
    public string? PolicyRule { get; init; }

    /// <summary>The policy version, or null to keep it.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>Whether signatures were verified now (sets <see cref="ImageRecord.LastVerified"/>).</summary>
    public bool Verified { get; init; }

    /// <summary>Events to publish, committed with the change and published after it.</summary>
    public ImmutableArray<ImageEvent> Events { get; init; } = [];

    /// <summary>A change to <paramref name="status"/> with <paramref name="reasons"/>.</summary>
    public static RecordChange To(ImageStatus status, params string[] reasons) => new() { Status = status, Reasons = [.. reasons] };

    /// <summary>Whether this changes nothing and publishes nothing.</summary>
    public bool IsEmpty => Status is null && Reasons is null && Signers is null && Vulnerabilities is null && ScanStatus is null && PolicyRule is null && PolicyVersion is null && !Verified && Events.IsEmpty;
}
