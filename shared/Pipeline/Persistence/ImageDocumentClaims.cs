using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>
/// Claims on work committed in an image document (the attestation action, outbox events) and the conditional writes they
/// rest on: a claim is one write against the version read, so of two concurrent deliveries only one gets it; it lasts
/// <see cref="Duration"/>, so a delivery that dies holding one delays the work by that much and never blocks it.
/// </summary>
internal sealed class ImageDocumentClaims
{
    private readonly FirestoreDocumentStore _documents;
    private readonly string _collection;
    private readonly ILogger _logger;

    /// <summary>Creates the claims on documents of <paramref name="collection"/>.</summary>
    public ImageDocumentClaims(FirestoreDocumentStore documents, string collection, ILogger logger)
    {
        _documents = documents;
        _collection = collection;
        _logger = logger;
    }

    /// <summary>
    /// How long a claim lasts: longer than one Google API call may take with its retries (60 s), so a live holder is never
    /// overtaken; past it, work whose holder died is free again.
    /// </summary>
    public static TimeSpan Duration { get; } = TimeSpan.FromMinutes(2);

    /// <summary>The end of a claim taken at <paramref name="now"/>, in whole microseconds as Firestore stores it (so it compares equal when read back).</summary>
    public static DateTimeOffset Until(DateTimeOffset now)
    {
        var until = now + Duration;
        return until.AddTicks(-(until.UtcTicks % 10));
    }

    /// <summary>Whether the document changed (or vanished) since the version a write was conditioned on.</summary>
    public static bool IsLostRace(GoogleApiException exception)
        => exception.Status is "FAILED_PRECONDITION" or "ABORTED" or "NOT_FOUND" || exception.HttpStatus == System.Net.HttpStatusCode.Conflict;

    /// <summary>
    /// Updates <paramref name="fields"/> of <paramref name="key"/>'s document if it is still at <paramref name="version"/>;
    /// returns the new version, or null when another write got there first.
    /// </summary>
    /// <exception cref="TransientFailureException">Firestore is unavailable or did not report the new version.</exception>
    public async Task<DateTimeOffset?> TryUpdateAsync(ImageKey key, IReadOnlyDictionary<string, FirestoreValue> fields, DateTimeOffset version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var commit = await _documents.CommitAsync([FirestoreWrite.Update(_collection, ImageDocumentIds.For(key), fields, expectedUpdateTime: version)], cancellationToken).ConfigureAwait(false);
            return commit is { UpdateTimes: [DateTimeOffset at] } ? at : throw new TransientFailureException($"Firestore did not report the version of the write on {key}");
        }
        catch (GoogleApiException exception) when (IsLostRace(exception))
        {
            _logger.LogDebug("{Image} changed since version {Version}: {Error}", key, version, exception.Message);
            return null;
        }
    }

    /// <summary>
    /// Best effort, and not cancelled with the request: gives a claim back (<paramref name="fields"/>) if the document is
    /// still at <paramref name="version"/>, so the retry can start at once; one not given back only lapses.
    /// </summary>
    public async Task ReleaseAsync(ImageKey key, IReadOnlyDictionary<string, FirestoreValue> fields, DateTimeOffset version)
    {
        try
        {
            await TryUpdateAsync(key, fields, version, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GoogleApiException or TransientFailureException)
        {
            _logger.LogDebug("The claim on {Image} was not released ({Error}); it lapses by itself", key, exception.Message);
        }
    }
}
