namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>The result of creating a document with <c>currentDocument.exists=false</c>.</summary>
internal enum FirestoreCreateOutcome
{
    /// <summary>The document was created.</summary>
    Created,

    /// <summary>A document with that id already existed; nothing was written.</summary>
    AlreadyExists,
}
