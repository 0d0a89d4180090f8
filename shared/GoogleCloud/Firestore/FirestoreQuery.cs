using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>
/// A page of a top-level collection: documents matching every filter (AND), in ascending order of <see cref="OrderBy"/> and
/// then document name, continuing after the document a page token names.
/// </summary>
internal sealed record FirestoreQuery
{
    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Creates a validated query, optionally only documents whose field equals a value, in document-name order.</summary>
    /// <exception cref="FormatException">The collection id, page size or page token is invalid.</exception>
    public FirestoreQuery(string collection, int pageSize = 100, string? pageToken = null, string? equalsField = null, FirestoreValue? equalsValue = null)
        : this(collection, pageSize, pageToken, Equality(equalsField, equalsValue), [])
    {
    }

    /// <summary>Creates a validated query with filters and an order.</summary>
    /// <param name="collection">The collection id.</param>
    /// <param name="pageSize">The page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="pageToken">The token of the previous page, or null for the first.</param>
    /// <param name="filters">Field filters, all of which must hold; at most one field may carry inequalities.</param>
    /// <param name="orderBy">Fields to order by (ascending) before the document name; an inequality's field must come first.</param>
    /// <exception cref="FormatException">The collection id, page size, filters or order are invalid.</exception>
    public FirestoreQuery(string collection, int pageSize, string? pageToken, IEnumerable<FirestoreFieldFilter> filters, IEnumerable<string> orderBy)
    {
        FirestoreDocumentIds.Validate(collection, "collection");
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new FormatException($"page size must be 1-{MaxPageSize}");
        }

        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(orderBy);
        Filters = [.. filters];
        OrderBy = [.. orderBy];
        if (Filters.Any(f => string.IsNullOrEmpty(f.Field)) || OrderBy.Any(string.IsNullOrEmpty) || OrderBy.Distinct(StringComparer.Ordinal).Count() != OrderBy.Length)
        {
            throw new FormatException("filter and order fields must be non-empty and ordered at most once");
        }

        // Firestore's rule (without multi-field range support): the inequality field is the first ordering.
        var inequalities = Filters.Where(f => f.IsInequality).Select(f => f.Field).Distinct(StringComparer.Ordinal).ToList();
        if (inequalities.Count > 1 || (inequalities.Count == 1 && (OrderBy.IsEmpty || OrderBy[0] != inequalities[0])))
        {
            throw new FormatException("inequality filters must be on one field, and the query must order by it first");
        }

        Collection = collection;
        PageSize = pageSize;
        PageToken = string.IsNullOrEmpty(pageToken) ? null : pageToken;
    }

    /// <summary>The collection id.</summary>
    public string Collection { get; }

    /// <summary>The page size.</summary>
    public int PageSize { get; }

    /// <summary>The token from the previous page, or null for the first page.</summary>
    public string? PageToken { get; }

    /// <summary>The filters (all must hold); empty for the whole collection.</summary>
    public ImmutableArray<FirestoreFieldFilter> Filters { get; }

    /// <summary>The fields ordered by (ascending) before the document name.</summary>
    public ImmutableArray<string> OrderBy { get; }

    private static IEnumerable<FirestoreFieldFilter> Equality(string? field, FirestoreValue? value)
    {
        if ((field is null) != (value is null))
        {
            throw new FormatException("an equality filter needs both a field and a value");
        }

        return field is null ? [] : [new FirestoreFieldFilter(field, FirestoreOperator.Equal, value!)];
    }
}
