using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>Reads Container Analysis occurrences (there is no emulator; tests use a loopback stand-in).</summary>
internal abstract class ContainerAnalysisClient
{
    /// <summary>Gets an occurrence by name (<c>projects/P/occurrences/ID</c>); null when it no longer exists.</summary>
    /// <exception cref="FormatException">The name is not an occurrence name.</exception>
    /// <exception cref="GoogleApiException">A non-retryable API error (e.g. permission denied).</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<Occurrence?> GetOccurrenceAsync(string occurrenceName, CancellationToken cancellationToken = default);

    /// <summary>Lists one page of the <c>VULNERABILITY</c> occurrences of an image.</summary>
    /// <param name="resourceUrl">The image URL, <c>https://…@sha256:…</c>.</param>
    /// <param name="pageSize">The page size, 1-1000.</param>
    /// <param name="pageToken">The previous page's token, or null.</param>
    /// <param name="projectId">The project holding the occurrences, or null for the configured project.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FormatException">The URL contains characters a filter cannot carry.</exception>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<OccurrencePage> ListVulnerabilityOccurrencesAsync(string resourceUrl, int pageSize = 100, string? pageToken = null, string? projectId = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the fixable/total vulnerability counts per severity for an image.</summary>
    /// <exception cref="FormatException">The URL contains characters a filter cannot carry.</exception>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<ImmutableArray<FixableTotalByDigest>> GetVulnerabilitySummaryAsync(string resourceUrl, string? projectId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every occurrence attached to <paramref name="noteName"/> for <paramref name="resourceUrl"/> (the note's occurrences,
    /// filtered by <c>resourceUrl</c>), oldest page first; at most <paramref name="maxOccurrences"/>.
    /// </summary>
    /// <exception cref="FormatException">The note name is not <c>projects/P/notes/N</c>, or the URL cannot be used in a filter.</exception>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<ImmutableArray<AttestationOccurrence>> ListNoteOccurrencesAsync(string noteName, string resourceUrl, int maxOccurrences = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an <c>ATTESTATION</c> occurrence in the note's project (one attempt: a create is not idempotent, so a failure is
    /// left to the caller, who looks up before creating again).
    /// </summary>
    /// <exception cref="FormatException">The note name is not <c>projects/P/notes/N</c>.</exception>
    /// <exception cref="GoogleApiException">The API refused or failed the call.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API was unreachable.</exception>
    public abstract Task<AttestationOccurrence> CreateAttestationOccurrenceAsync(AttestationOccurrence occurrence, CancellationToken cancellationToken = default);

    /// <summary>Deletes an occurrence; false when it was already gone.</summary>
    /// <exception cref="FormatException">The name is not an occurrence name.</exception>
    /// <exception cref="GoogleApiException">A non-retryable API error.</exception>
    /// <exception cref="ImageTrust.Model.TransientFailureException">The API is unavailable after retries.</exception>
    public abstract Task<bool> DeleteOccurrenceAsync(string occurrenceName, CancellationToken cancellationToken = default);
}
