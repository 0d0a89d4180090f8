using System.Collections.Immutable;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.BinaryAuthorization;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.GoogleCloud.Kms;
using ImageTrust.Model;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Attestations;

/// <summary>
/// <see cref="ImageAttestor"/> as a Binary Authorization attestor: the payload gcloud would sign, signed by Cloud KMS, stored as
/// an ATTESTATION occurrence on the configured note. Attesting lists the note's occurrences for the image first (one
/// Container Analysis call), then signs (one KMS call) and creates (one more) only when none exists.
/// </summary>
internal sealed class BinaryAuthorizationAttestor : ImageAttestor
{
    private readonly ContainerAnalysisClient _analysis;
    private readonly CloudKmsSigner _signer;
    private readonly AttestorSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BinaryAuthorizationAttestor> _logger;

    /// <summary>Creates the attestor.</summary>
    public BinaryAuthorizationAttestor(ContainerAnalysisClient analysis, CloudKmsSigner signer, AttestorSettings settings, TimeProvider timeProvider, ILogger<BinaryAuthorizationAttestor> logger)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(settings);
        _analysis = analysis;
        _signer = signer;
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<ImageAttestation> AttestAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var resourceUri = ResourceUri.FromImageKey(key);
        var existing = await CallAsync("list the attestations of", key, () => _analysis.ListNoteOccurrencesAsync(_settings.NoteName, resourceUri, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (Ours(existing).FirstOrDefault() is { } found)
        {
            _logger.LogInformation("{Image} is already attested by {Occurrence}; {Action} has nothing to do", key, found.Name, AttestationAction.Attest.ToWire());
            return ToAttestation(found);
        }

        var payload = ContainerSignaturePayload.ForResourceUri(resourceUri);
        var signature = await CallAsync("sign the attestation of", key, () => _signer.SignAsync(_settings.Key, payload, cancellationToken)).ConfigureAwait(false);
        var request = new AttestationOccurrence(string.Empty, resourceUri, _settings.NoteName, [.. payload], [new AttestationSignature(_settings.PublicKeyId, signature.Signature)], null);
        var created = await CallAsync("create the attestation of", key, () => _analysis.CreateAttestationOccurrenceAsync(request, cancellationToken)).ConfigureAwait(false);
        _logger.LogInformation("{Image} attested ({Action}): {Occurrence} on {Note}, signed by {Key} ({Algorithm})", key, AttestationAction.Attest.ToWire(), created.Name, _settings.NoteName, _settings.Key, signature.Algorithm);
        return ToAttestation(created);
    }

    /// <inheritdoc />
    public override async Task<int> WithdrawAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var resourceUri = ResourceUri.FromImageKey(key);
        var existing = await CallAsync("list the attestations of", key, () => _analysis.ListNoteOccurrencesAsync(_settings.NoteName, resourceUri, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var deleted = 0;
        foreach (var occurrence in existing)
        {
            // Every occurrence of the note for the image goes, whoever made it: the note is ImageTrust's.
            if (await CallAsync("withdraw the attestation of", key, () => _analysis.DeleteOccurrenceAsync(occurrence.Name, cancellationToken)).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        if (existing.Length > 0)
        {
            _logger.LogInformation("{Image}: {Deleted} attestation(s) withdrawn from {Note} ({Action})", key, deleted, _settings.NoteName, AttestationAction.Withdraw.ToWire());
        }

        return deleted;
    }

    /// <inheritdoc />
    public override async Task<ImmutableArray<ImageAttestation>> ListAsync(ImageKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var existing = await CallAsync("list the attestations of", key, () => _analysis.ListNoteOccurrencesAsync(_settings.NoteName, ResourceUri.FromImageKey(key), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. Oldest(existing).Select(ToAttestation)];
    }

    private IEnumerable<AttestationOccurrence> Ours(ImmutableArray<AttestationOccurrence> occurrences)
        => Oldest(occurrences).Where(o => o.Signatures.Any(s => s.PublicKeyId == _settings.PublicKeyId));

    private static IEnumerable<AttestationOccurrence> Oldest(ImmutableArray<AttestationOccurrence> occurrences)
        => occurrences.OrderBy(o => o.CreateTime ?? DateTimeOffset.MaxValue).ThenBy(o => o.Name, StringComparer.Ordinal);

    private ImageAttestation ToAttestation(AttestationOccurrence occurrence) => new(occurrence.Name, occurrence.CreateTime ?? _timeProvider.GetUtcNow());

    // Every failure of these calls is retried by redelivery: the action stays pending in the record until it is done.
    private static async Task<T> CallAsync<T>(string what, ImageKey key, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is GoogleApiException or ConfigurationException or FormatException)
        {
            throw new TransientFailureException($"could not {what} {key}: {exception.Message}", exception);
        }
    }
}
