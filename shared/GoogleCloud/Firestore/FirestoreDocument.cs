using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>A Firestore document as read: its resource name, fields and server times.</summary>
/// <param name="Name">The full resource name <c>projects/P/databases/D/documents/C/ID</c>.</param>
/// <param name="Fields">The fields.</param>
/// <param name="CreateTime">When it was created.</param>
/// <param name="UpdateTime">When it was last changed: the version for <c>currentDocument.updateTime</c> preconditions.</param>
internal sealed record FirestoreDocument(string Name, ImmutableSortedDictionary<string, FirestoreValue> Fields, DateTimeOffset CreateTime, DateTimeOffset UpdateTime)
{
    /// <summary>The last segment of <see cref="Name"/>.</summary>
    public string Id => Name[(Name.LastIndexOf('/') + 1)..];

    /// <summary>The field, or null when absent.</summary>
    public FirestoreValue? Field(string name) => Fields.GetValueOrDefault(name);
}
