namespace ImageTrust.Signing.Json;

/// <summary>How a JSON object key relates to a field a reader of signed JSON reads (see <see cref="GoJsonFieldName"/>).</summary>
internal enum KeyMatch
{
    /// <summary>The key names another field, or none.</summary>
    None,

    /// <summary>The key names the field, in a spelling the reader accepts.</summary>
    Field,

    /// <summary>
    /// Some Go reader of this document could take the key for the field, but not every one would, or the reader accepts only
    /// the exact name: the document is malformed.
    /// </summary>
    Conflict,
}
