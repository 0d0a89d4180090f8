namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>One field filter of a structured query: <see cref="Field"/> <see cref="Operator"/> <see cref="Value"/>.</summary>
/// <param name="Field">The top-level field path.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The value compared with (Firestore compares within one value type only).</param>
internal sealed record FirestoreFieldFilter(string Field, FirestoreOperator Operator, FirestoreValue Value)
{
    /// <summary>The REST name of <see cref="Operator"/>.</summary>
    public string OperatorName => Operator switch
    {
        FirestoreOperator.Equal => "EQUAL",
        FirestoreOperator.NotEqual => "NOT_EQUAL",
        FirestoreOperator.LessThan => "LESS_THAN",
        FirestoreOperator.LessThanOrEqual => "LESS_THAN_OR_EQUAL",
        FirestoreOperator.GreaterThanOrEqual => "GREATER_THAN_OR_EQUAL",
        _ => throw new InvalidOperationException($"unknown operator {Operator}"),
    };

    /// <summary>Whether the operator is an inequality (Firestore orders an inequality's field first).</summary>
    public bool IsInequality => Operator != FirestoreOperator.Equal;
}
