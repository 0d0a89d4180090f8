namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>
/// A page of a top-level collection in document-name order, optionally only documents whose field equals a value.
/// </summary>
internal sealed record FirestoreQuery
{
    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Creates a validated query.</summary>
    /// <exception cref="FormatException">The collection id, page size or page token is invalid.</exception>
    public FirestoreQuery(string collection, int pageSize = 100, string? pageToken = null, string? equalsField = null, FirestoreValue? equalsValue = null)
    {
        FirestoreDocumentIds.Validate(collection, "collection");
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new FormatException($"page size must be 1-{MaxPageSize}");
        }

        if ((equalsField is null) != (equalsValue is null))
        {
            throw new FormatException("an equality filter needs both a field and a value");
        }

        Collection = collection;
        PageSize = pageSize;
        PageToken = string.IsNullOrEmpty(pageToken) ? null : pageToken;
        EqualsField = equalsField;
        EqualsValue = equalsValue;
    }

    /// <summary>The collection id.</summary>
    public string Collection { get; }

    /// <summary>The page size.</summary>
    public int PageSize { get; }

    /// <summary>The token from the previous page, or null for the first page.</summary>
    public string? PageToken { get; }

    /// <summary>The field of the equality filter, or null.</summary>
    public string? EqualsField { get; }

    /// <summary>The value of the equality filter, or null.</summary>
    public FirestoreValue? EqualsValue { get; }
}
