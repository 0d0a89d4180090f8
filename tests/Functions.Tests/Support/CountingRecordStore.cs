using System.Collections.Concurrent;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>Wraps the real Firestore record store and counts the changes applied to each image (an applied change is one commit).</summary>
internal sealed class CountingRecordStore : ImageRecordStore
{
    private readonly ImageRecordStore _inner;

    public CountingRecordStore(ImageRecordStore inner)
    {
        _inner = inner;
    }

    /// <summary>Applied changes by image (<c>registry/repository@digest</c>).</summary>
    public ConcurrentDictionary<string, int> WritesByImage { get; } = new(StringComparer.Ordinal);

    public override async Task<ApplyResult> ApplyAsync(ImageKey key, IReadOnlyCollection<string> messageIds, Func<ImageRecord?, RecordChange> decide, ImageRecordSnapshot? basis, CancellationToken cancellationToken = default)
    {
        var result = await _inner.ApplyAsync(key, messageIds, decide, basis, cancellationToken);
        if (result.Outcome == ApplyOutcome.Applied)
        {
            WritesByImage.AddOrUpdate(key.ToString(), 1, (_, count) => count + 1);
        }

        return result;
    }

    public override Task<ImageRecordSnapshot> ReadAsync(ImageKey key, CancellationToken cancellationToken = default) => _inner.ReadAsync(key, cancellationToken);

    public override Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default)
        => _inner.ListAsync(status, pageSize, pageToken, cancellationToken);

    public override Task<ImageRecordPage> ListDueAsync(string policyVersion, DateTimeOffset now, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
        => _inner.ListDueAsync(policyVersion, now, pageSize, pageToken, cancellationToken);

    public override Task<ImageRecordPage> ListOtherPolicyVersionAsync(string policyVersion, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
        => _inner.ListOtherPolicyVersionAsync(policyVersion, pageSize, pageToken, cancellationToken);

    public override Task<ImageRecordPage> ListPendingEventsDueAsync(DateTimeOffset now, int pageSize, string? pageToken = null, CancellationToken cancellationToken = default)
        => _inner.ListPendingEventsDueAsync(now, pageSize, pageToken, cancellationToken);

    public override Task<int> FlushOutboxAsync(ImageKey key, CancellationToken cancellationToken = default) => _inner.FlushOutboxAsync(key, cancellationToken);

    public override Task<int> ConfirmPublishedAsync(string topic, IReadOnlyDictionary<ImageKey, List<ReadOnlyMemory<byte>>> published, CancellationToken cancellationToken = default)
        => _inner.ConfirmPublishedAsync(topic, published, cancellationToken);
}
