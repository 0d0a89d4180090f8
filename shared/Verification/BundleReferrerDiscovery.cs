using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Verification;

/// <summary>
/// Finds the Sigstore bundles attached to an image digest, as cosign v3 stores them: the referrers API, or the
/// <c>sha256-&lt;hex&gt;</c> fallback index where the registry has none; then each referrer manifest whose subject is the digest
/// (at most <see cref="ImageVerifierOptions.MaxBundleReferrers"/>), and its layers of a bundle media type, each charged to the
/// verification's budget as a signature to examine. Shared by image signature and attestation verification.
/// </summary>
internal sealed class BundleReferrerDiscovery
{
    private readonly RegistryClient _registry;
    private readonly ImageVerifierOptions _options;
    private readonly VerificationBudget _budget;

    /// <summary>Creates the discovery over <paramref name="registry"/> for the verification that owns <paramref name="budget"/>.</summary>
    public BundleReferrerDiscovery(RegistryClient registry, ImageVerifierOptions options, VerificationBudget budget)
    {
        _registry = registry;
        _options = options;
        _budget = budget;
    }

    /// <summary>The bundle layers and unreadable places for <paramref name="digest"/>, in order; empty when it has no referrers.</summary>
    /// <exception cref="TransientFailureException">The registry is unavailable.</exception>
    /// <exception cref="VerificationBudgetExceededException">More bundle layers than the budget allows, or its requests or bytes are spent.</exception>
    public async Task<IReadOnlyList<BundleReferrer>> FindAsync(ImageReference repository, Digest digest)
    {
        var cancellationToken = _budget.Token;
        var found = new List<BundleReferrer>();
        ManifestDocument index;
        var where = $"{repository.RepositoryName} referrers of {digest}";
        try
        {
            var referrers = await _registry.GetReferrersAsync(repository, digest, null, cancellationToken).ConfigureAwait(false);
            if (referrers is null)
            {
                var fallback = repository.WithTag(digest.ToTagPrefix());
                where = fallback.ToString();
                referrers = await _registry.GetManifestAsync(fallback, cancellationToken).ConfigureAwait(false);
            }

            index = ManifestDocument.Parse(referrers);
        }
        catch (RegistryNotFoundException)
        {
            return found;
        }
        catch (RegistryProtocolException e)
        {
            found.Add(Unreadable(where, e.ReasonCode, e.Message));
            return found;
        }
        catch (FormatException e)
        {
            found.Add(Unreadable(where, VerificationReasons.SignatureManifestInvalid, e.Message));
            return found;
        }

        foreach (var entry in index.Manifests.Take(_options.MaxBundleReferrers))
        {
            var location = $"{repository.RepositoryName}@{entry.Digest}";
            ManifestDocument referrer;
            try
            {
                referrer = ManifestDocument.Parse(await _registry.GetManifestAsync(repository.WithDigest(entry.Digest), cancellationToken).ConfigureAwait(false));
            }
            catch (RegistryNotFoundException)
            {
                continue;
            }
            catch (RegistryProtocolException e)
            {
                found.Add(Unreadable(location, e.ReasonCode, e.Message));
                continue;
            }
            catch (FormatException e)
            {
                found.Add(Unreadable(location, VerificationReasons.SignatureManifestInvalid, e.Message));
                continue;
            }

            if (referrer.Subject is { } subject && subject.Digest != digest)
            {
                continue;
            }

            var bundles = referrer.Layers.Where(layer => CosignMediaTypes.IsBundle(layer.MediaType)).ToList();
            _budget.ChargeSignatures(bundles.Count, location);
            found.AddRange(bundles.Select(layer => new BundleReferrer(location, layer.Digest, null, null)));
        }

        return found;
    }

    /// <summary>Fetches a bundle layer (bounded); the bytes, or the unreadable finding when it is missing or refused.</summary>
    /// <exception cref="TransientFailureException">The registry is unavailable.</exception>
    public async Task<(byte[]? Bundle, BundleReferrer? Unreadable)> FetchAsync(ImageReference repository, BundleReferrer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        try
        {
            return (await _registry.GetBlobAsync(repository, layer.BundleLayer!, _options.MaxSignatureBlobBytes, _budget.Token).ConfigureAwait(false), null);
        }
        catch (RegistryNotFoundException e)
        {
            return (null, Unreadable(layer.Location, "BUNDLE_NOT_FOUND", e.Message));
        }
        catch (RegistryProtocolException e)
        {
            return (null, Unreadable(layer.Location, e.ReasonCode, e.Message));
        }
    }

    private static BundleReferrer Unreadable(string location, string reason, string detail) => new(location, null, reason, detail);
}
