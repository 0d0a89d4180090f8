namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>The comparison of a structured query's field filter (the REST <c>FieldFilter.Operator</c> values we use).</summary>
internal enum FirestoreOperator
{
    /// <summary><c>EQUAL</c>.</summary>
    Equal,

    /// <summary><c>NOT_EQUAL</c>: matches documents whose field exists and differs (the query must order by the field first).</summary>
    NotEqual,

    /// <summary><c>LESS_THAN</c>.</summary>
    LessThan,

    /// <summary><c>LESS_THAN_OR_EQUAL</c>.</summary>
    LessThanOrEqual,

    /// <summary><c>GREATER_THAN_OR_EQUAL</c>.</summary>
    GreaterThanOrEqual,
}
