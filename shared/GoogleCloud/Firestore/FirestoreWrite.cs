using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>
/// One document write in a commit: set the given fields (all of them, or only those in <see cref="UpdateMask"/>),
/// set <see cref="ServerTimestampFields"/> to the commit time, under an optional precondition.
/// </summary>
internal sealed record FirestoreWrite
{
    private FirestoreWrite(string collection, string documentId, ImmutableSortedDictionary<string, FirestoreValue> fields, ImmutableArray<string>? updateMask, ImmutableArray<string> serverTimestampFields, bool? mustExist, DateTimeOffset? expectedUpdateTime)
    {
        Collection = collection;
        DocumentId = documentId;
        Fields = fields;
        UpdateMask = updateMask;
        ServerTimestampFields = serverTimestampFields;
        MustExist = mustExist;
        ExpectedUpdateTime = expectedUpdateTime;
    }

    /// <summary>The collection id (top-level).</summary>
    public string Collection { get; }

    /// <summary>The document id.</summary>
    public string DocumentId { get; }

    /// <summary>The fields written.</summary>
    public ImmutableSortedDictionary<string, FirestoreValue> Fields { get; }

    /// <summary>The top-level field paths replaced, or null to replace the whole document.</summary>
    public ImmutableArray<string>? UpdateMask { get; }

    /// <summary>Top-level fields set to the server's commit time.</summary>
    public ImmutableArray<string> ServerTimestampFields { get; }

    /// <summary><c>currentDocument.exists</c>: true = must exist, false = must not exist, null = no such precondition.</summary>
    public bool? MustExist { get; }

    /// <summary><c>currentDocument.updateTime</c>: the version the document must still have, or null.</summary>
    public DateTimeOffset? ExpectedUpdateTime { get; }

    /// <summary>Replaces the whole document with <paramref name="fields"/> (creating it if needed).</summary>
    /// <exception cref="FormatException">An id or field name is invalid.</exception>
    public static FirestoreWrite Set(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, IEnumerable<string>? serverTimestampFields = null)
        => Build(collection, documentId, fields, null, serverTimestampFields, null, null);

    /// <summary>Creates the document; the commit fails if it already exists.</summary>
    /// <exception cref="FormatException">An id or field name is invalid.</exception>
    public static FirestoreWrite Create(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, IEnumerable<string>? serverTimestampFields = null)
        => Build(collection, documentId, fields, null, serverTimestampFields, false, null);

    /// <summary>Replaces only the fields named in <paramref name="fields"/> of an existing document (fields not given are kept).</summary>
    /// <exception cref="FormatException">An id or field name is invalid.</exception>
    public static FirestoreWrite Update(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, IEnumerable<string>? serverTimestampFields = null, DateTimeOffset? expectedUpdateTime = null)
    {
        var map = fields.ToImmutableSortedDictionary(StringComparer.Ordinal);
        return Build(collection, documentId, map, map.Keys.ToImmutableArray(), serverTimestampFields, expectedUpdateTime is null ? true : null, expectedUpdateTime);
    }

    /// <summary>The same write with a <c>currentDocument.updateTime</c> precondition instead of any other.</summary>
    public FirestoreWrite WithExpectedUpdateTime(DateTimeOffset updateTime) => new(Collection, DocumentId, Fields, UpdateMask, ServerTimestampFields, null, updateTime);

    private static FirestoreWrite Build(string collection, string documentId, IEnumerable<KeyValuePair<string, FirestoreValue>> fields, ImmutableArray<string>? mask, IEnumerable<string>? serverTimestampFields, bool? mustExist, DateTimeOffset? expectedUpdateTime)
    {
        FirestoreDocumentIds.Validate(collection, "collection");
        FirestoreDocumentIds.Validate(documentId);
        var map = fields.ToImmutableSortedDictionary(StringComparer.Ordinal);
        var timestamps = (serverTimestampFields ?? []).ToImmutableArray();
        foreach (var name in map.Keys.Concat(timestamps))
        {
            if (!IsSimpleFieldName(name))
            {
                throw new FormatException($"field name '{name}' must match [A-Za-z_][A-Za-z0-9_]* (no quoting needed)");
            }
        }

        return new FirestoreWrite(collection, documentId, map, mask, timestamps, mustExist, expectedUpdateTime);
    }

    private static bool IsSimpleFieldName(string name)
        => name.Length is > 0 and <= 1500 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !(name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal));
}
