namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>A Container Analysis occurrence, reduced to the fields the pipeline uses.</summary>
/// <param name="Name">The resource name <c>projects/P/occurrences/ID</c>.</param>
/// <param name="Kind">The kind (see <see cref="OccurrenceKinds"/>), or <c>NOTE_KIND_UNSPECIFIED</c>.</param>
/// <param name="ResourceUri">The image, <c>https://LOC-docker.pkg.dev/P/REPO/IMG@sha256:…</c>, or empty.</param>
/// <param name="NoteName">The note, e.g. <c>projects/goog-vulnz/notes/CVE-2024-1234</c>, or empty.</param>
/// <param name="CreateTime">When it was created, or null.</param>
/// <param name="UpdateTime">When it was last updated, or null.</param>
/// <param name="Vulnerability">The vulnerability details for <c>VULNERABILITY</c>, else null.</param>
/// <param name="Discovery">The scan status for <c>DISCOVERY</c>, else null.</param>
/// <param name="HasAttestation">Whether an <c>attestation</c> or <c>dsseAttestation</c> is present.</param>
internal sealed record Occurrence(string Name, string Kind, string ResourceUri, string NoteName, DateTimeOffset? CreateTime, DateTimeOffset? UpdateTime, VulnerabilityOccurrence? Vulnerability, DiscoveryOccurrence? Discovery, bool HasAttestation);
