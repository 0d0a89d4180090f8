using System.Collections.Concurrent;
using ImageTrust.GoogleCloud.Firestore;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

/// <summary>
/// Forwards to a real document store (the emulator) and keeps every write committed outside a transaction, with the time on
/// <c>clock</c> it was committed at.
/// </summary>
internal sealed class RecordingDocumentStore : FirestoreDocumentStore
{
    private readonly FirestoreDocumentStore _inner;
    private readonly TimeProvider _clock;

    public RecordingDocumentStore(FirestoreDocumentStore inner, TimeProvider clock)
    {
        _inner = inner;
        _clock = clock;
    }

    public ConcurrentQueue<(FirestoreWrite Write, DateTimeOffset At)> Commits { get; } = new();

    public override Task<FirestoreDocument?> GetAsync(string collection, string documentId, CancellationToken cancellationToken = default)
        => _inner.GetAsync(collection, documentId, cancellationToken);

    public override Task<FirestoreCreateOutcome> CreateAsync(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, CancellationToken cancellationToken = default)
        => _inner.CreateAsync(collection, documentId, fields, cancellationToken);

    /// <summary>Runs before the next commit only (a rival write between a read and its commit).</summary>
    public Func<Task>? BeforeNextCommit { get; set; }

    public override Task<IReadOnlyDictionary<string, FirestoreDocument>> GetManyAsync(string collection, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
        => _inner.GetManyAsync(collection, documentIds, cancellationToken);

    public override async Task<FirestoreCommitResult> CommitAsync(IReadOnlyList<FirestoreWrite> writes, CancellationToken cancellationToken = default)
    {
        if (BeforeNextCommit is { } before)
        {
            BeforeNextCommit = null;
            await before();
        }

        var result = await _inner.CommitAsync(writes, cancellationToken);
        foreach (var write in writes)
        {
            Commits.Enqueue((write, _clock.GetUtcNow()));
        }

        return result;
    }

    public override Task<(T Result, FirestoreCommitResult? Commit)> RunTransactionAsync<T>(Func<FirestoreTransaction, CancellationToken, Task<T>> body, CancellationToken cancellationToken = default)
        => _inner.RunTransactionAsync(body, cancellationToken);

    public override Task<FirestorePage> QueryAsync(FirestoreQuery query, CancellationToken cancellationToken = default)
        => _inner.QueryAsync(query, cancellationToken);

    /// <summary>The writes that replaced or created the whole document <paramref name="documentId"/> (not only its outbox), in order.</summary>
    public IReadOnlyList<(FirestoreWrite Write, DateTimeOffset At)> DocumentWrites(string documentId)
        => [.. Commits.Where(commit => commit.Write.DocumentId == documentId && commit.Write.UpdateMask is null)];

    /// <summary>The last write that replaced or created the whole document <paramref name="documentId"/>.</summary>
    public FirestoreWrite LastDocumentWrite(string documentId) => DocumentWrites(documentId)[^1].Write;
}
