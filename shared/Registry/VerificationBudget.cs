using System.Globalization;
using ImageTrust.Model;

namespace ImageTrust.Registry;

/// <summary>
/// The work one image verification may still do (<see cref="VerificationLimits"/>): registry calls, bytes received, signature
/// layers examined, and one deadline. It also caches content by digest for the verification, so identical blobs and manifests
/// are fetched once (a digest names its bytes, whichever repository serves them). Created per verification, charged by
/// <see cref="BudgetedRegistryClient"/> and the verification engine; thread-safe.
/// </summary>
internal sealed class VerificationBudget : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _callerToken;
    private readonly Lock _lock = new();
    private Dictionary<Digest, CachedContent<byte[]>>? _blobs;
    private Dictionary<Digest, CachedContent<Manifest>>? _manifests;
    private int _requests;
    private long _bytes;
    private int _signatures;

    /// <summary>Starts the budget and its deadline.</summary>
    /// <param name="limits">The limits; validated here.</param>
    /// <param name="timeProvider">The clock of the deadline.</param>
    /// <param name="cancellationToken">The caller's token; <see cref="Token"/> is cancelled by it too.</param>
    /// <exception cref="ConfigurationException">The limits are out of range.</exception>
    public VerificationBudget(VerificationLimits limits, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(timeProvider);
        limits.Validate();
        Limits = limits;
        _callerToken = cancellationToken;
        _deadline = new CancellationTokenSource(limits.Timeout, timeProvider);

        // The functions verify on a token that is never cancelled; linking to it would only cost a second source.
        _linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token) : null;
    }

    /// <summary>The limits.</summary>
    public VerificationLimits Limits { get; }

    /// <summary>Cancelled when the caller cancels or the deadline passes; every call of the verification uses it.</summary>
    public CancellationToken Token => _linked?.Token ?? _deadline.Token;

    /// <summary>Whether the deadline (not the caller) ended the verification.</summary>
    public bool TimedOut => _deadline.IsCancellationRequested && !_callerToken.IsCancellationRequested;

    /// <summary>Registry calls charged so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Bytes charged so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Signature layers charged so far.</summary>
    public int Signatures => Volatile.Read(ref _signatures);

    /// <summary>Charges one registry call, before it is made.</summary>
    /// <exception cref="VerificationBudgetExceededException"><c>VERIFICATION_BUDGET_EXCEEDED</c> past <see cref="VerificationLimits.MaxRegistryRequests"/>.</exception>
    /// <exception cref="OperationCanceledException">The deadline passed or the caller cancelled.</exception>
    public void ChargeRequest(RegistryCallName what)
    {
        Token.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _requests) > Limits.MaxRegistryRequests)
        {
            throw new VerificationBudgetExceededException(
                VerificationBudgetExceededException.BudgetExceeded,
                "maxRegistryRequests",
                Limits.MaxRegistryRequests,
                Invariant($"this verification needs more than {Limits.MaxRegistryRequests} registry requests (limit maxRegistryRequests = {Limits.MaxRegistryRequests}); refused: {what}"));
        }
    }

    /// <summary>Charges bytes received.</summary>
    /// <exception cref="VerificationBudgetExceededException"><c>VERIFICATION_BUDGET_EXCEEDED</c> past <see cref="VerificationLimits.MaxBytes"/>.</exception>
    public void ChargeBytes(long bytes, RegistryCallName what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (Interlocked.Add(ref _bytes, bytes) > Limits.MaxBytes)
        {
            throw new VerificationBudgetExceededException(
                VerificationBudgetExceededException.BudgetExceeded,
                "maxBytes",
                Limits.MaxBytes,
                Invariant($"this verification received more than {Limits.MaxBytes} bytes from registries (limit maxBytes = {Limits.MaxBytes}), the last {bytes} for {what}"));
        }
    }

    /// <summary>
    /// Charges <paramref name="count"/> signature layers listed at <paramref name="where"/> (a reference or a description,
    /// formatted only when the limit is passed), before any is fetched.
    /// </summary>
    /// <exception cref="VerificationBudgetExceededException"><c>TOO_MANY_SIGNATURES</c> past <see cref="VerificationLimits.MaxSignatures"/>.</exception>
    public void ChargeSignatures(int count, object where)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var total = Interlocked.Add(ref _signatures, count);
        if (total > Limits.MaxSignatures)
        {
            throw new VerificationBudgetExceededException(
                VerificationBudgetExceededException.TooManySignatures,
                "maxSignatures",
                Limits.MaxSignatures,
                Invariant($"this verification lists {total} signature layers, more than may be examined (limit maxSignatures = {Limits.MaxSignatures}); {where} lists {count}"));
        }
    }

    /// <summary>The blob cached for <paramref name="digest"/>: its bytes, or the permanent failure its fetch ended with.</summary>
    public bool TryGetBlob(Digest digest, out byte[]? blob, out Exception? failure) => TryGet(ref _blobs, digest, out blob, out failure);

    /// <summary>Caches a fetched blob, or the permanent failure (not found, refused content) of its fetch.</summary>
    public void CacheBlob(Digest digest, byte[]? blob, Exception? failure) => Cache(ref _blobs, digest, blob, failure);

    /// <summary>The manifest cached for <paramref name="digest"/>, or the permanent failure its fetch ended with.</summary>
    public bool TryGetManifest(Digest digest, out Manifest? manifest, out Exception? failure) => TryGet(ref _manifests, digest, out manifest, out failure);

    /// <summary>Caches a manifest fetched by digest, or the permanent failure of its fetch.</summary>
    public void CacheManifest(Digest digest, Manifest? manifest, Exception? failure) => Cache(ref _manifests, digest, manifest, failure);

    /// <inheritdoc />
    public void Dispose()
    {
        _linked?.Dispose();
        _deadline.Dispose();
    }

    private bool TryGet<T>(ref Dictionary<Digest, CachedContent<T>>? cache, Digest digest, out T? content, out Exception? failure)
        where T : class
    {
        lock (_lock)
        {
            if (cache is not null && cache.TryGetValue(digest, out var cached))
            {
                (content, failure) = (cached.Content, cached.Failure);
                return true;
            }
        }

        (content, failure) = (null, null);
        return false;
    }

    private void Cache<T>(ref Dictionary<Digest, CachedContent<T>>? cache, Digest digest, T? content, Exception? failure)
        where T : class
    {
        lock (_lock)
        {
            cache ??= [];
            cache[digest] = new CachedContent<T>(content, failure);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record CachedContent<T>(T? Content, Exception? Failure)
        where T : class;
}
