namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>The kinds of Firestore <c>Value</c> the adapter reads and writes.</summary>
internal enum FirestoreValueKind
{
    /// <summary><c>nullValue</c>.</summary>
    Null,

    /// <summary><c>booleanValue</c>.</summary>
    Boolean,

    /// <summary><c>integerValue</c> (a 64-bit integer, a JSON string on the wire).</summary>
    Integer,

    /// <summary><c>doubleValue</c>.</summary>
    Double,

    /// <summary><c>timestampValue</c> (RFC 3339, microseconds).</summary>
    Timestamp,

    /// <summary><c>stringValue</c>.</summary>
    String,

    /// <summary><c>bytesValue</c> (base64 on the wire).</summary>
    Bytes,

    /// <summary><c>referenceValue</c> (a document resource name).</summary>
    Reference,

    /// <summary><c>arrayValue</c>.</summary>
    Array,

    /// <summary><c>mapValue</c>.</summary>
    Map,
}
