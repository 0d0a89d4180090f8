using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// The registry client of one verification: every call is charged to its <see cref="VerificationBudget"/> (one request before,
/// the bytes received after), runs under the budget's deadline, and content fetched by digest is served from the budget's
/// cache, failures included, so a digest listed many times costs one fetch.
/// </summary>
internal sealed class BudgetedRegistryClient : RegistryClient
{
    private readonly RegistryClient _inner;
    private readonly VerificationBudget _budget;

    /// <summary>Wraps <paramref name="inner"/> for the verification that owns <paramref name="budget"/>.</summary>
    public BudgetedRegistryClient(RegistryClient inner, VerificationBudget budget)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(budget);
        _inner = inner is BudgetedRegistryClient budgeted ? budgeted._inner : inner;
        _budget = budget;
    }

    /// <inheritdoc />
    /// <exception cref="VerificationBudgetExceededException">The verification's budget is spent.</exception>
    public override async Task<Manifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Digest is { } digest && _budget.TryGetManifest(digest, out var cached, out var failure))
        {
            return cached ?? throw Again(failure!);
        }

        var what = new RegistryCallName("manifest", reference);
        _budget.ChargeRequest(what);
        using var linked = Link(cancellationToken);
        Manifest manifest;
        try
        {
            manifest = await _inner.GetManifestAsync(reference, linked?.Token ?? _budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (reference.Digest is not null && e is RegistryNotFoundException or RegistryProtocolException)
        {
            _budget.CacheManifest(reference.Digest, null, e);
            throw;
        }

        _budget.ChargeBytes(manifest.Content.Length, what);
        if (reference.Digest is not null)
        {
            _budget.CacheManifest(reference.Digest, manifest, null);
        }

        return manifest;
    }

    /// <inheritdoc />
    /// <exception cref="VerificationBudgetExceededException">The verification's budget is spent.</exception>
    public override async Task<byte[]> GetBlobAsync(ImageReference repository, Digest digest, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        if (_budget.TryGetBlob(digest, out var cached, out var failure))
        {
            if (cached is null)
            {
                throw Again(failure!);
            }

            return cached.Length <= maxBytes
                ? cached
                : throw new RegistryProtocolException("TOO_LARGE", $"blob {repository.RepositoryName}@{digest} is too large ({cached.Length} bytes; the limit is {maxBytes} bytes)");
        }

        var what = new RegistryCallName("blob", repository, digest);
        _budget.ChargeRequest(what);
        using var linked = Link(cancellationToken);
        byte[] blob;
        try
        {
            blob = await _inner.GetBlobAsync(repository, digest, maxBytes, linked?.Token ?? _budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RegistryNotFoundException or RegistryProtocolException)
        {
            _budget.CacheBlob(digest, null, e);
            throw;
        }

        _budget.ChargeBytes(blob.Length, what);
        _budget.CacheBlob(digest, blob, null);
        return blob;
    }

    /// <inheritdoc />
    /// <exception cref="VerificationBudgetExceededException">The verification's budget is spent.</exception>
    public override async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var what = new RegistryCallName("tags of", repository);
        _budget.ChargeRequest(what);
        using var linked = Link(cancellationToken);
        var tags = await _inner.ListTagsAsync(repository, linked?.Token ?? _budget.Token).ConfigureAwait(false);
        _budget.ChargeBytes(tags.Sum(tag => (long)tag.Length), what);
        return tags;
    }

    /// <inheritdoc />
    /// <exception cref="VerificationBudgetExceededException">The verification's budget is spent.</exception>
    public override async Task<Manifest?> GetReferrersAsync(ImageReference repository, Digest subject, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(subject);
        var what = new RegistryCallName("referrers of", repository, subject);
        _budget.ChargeRequest(what);
        using var linked = Link(cancellationToken);
        var referrers = await _inner.GetReferrersAsync(repository, subject, artifactType, linked?.Token ?? _budget.Token).ConfigureAwait(false);
        _budget.ChargeBytes(referrers?.Content.Length ?? 0, what);
        return referrers;
    }

    // A cached failure is raised anew, so its first stack trace is kept as the inner exception.
    private static Exception Again(Exception failure) => failure switch
    {
        RegistryNotFoundException notFound => new RegistryNotFoundException(notFound.What, notFound),
        RegistryProtocolException refused => new RegistryProtocolException(refused.ReasonCode, refused.Message, refused),
        _ => failure,
    };

    // The budget's token carries the verification's caller and deadline; a different token given here is honoured as well.
    private CancellationTokenSource? Link(CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled && cancellationToken != _budget.Token
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _budget.Token)
            : null;
}
