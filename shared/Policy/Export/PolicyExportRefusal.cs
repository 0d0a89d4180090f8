namespace ImageTrust.Policy.Export;

/// <summary>A construct of a rule the target cannot express exactly, so the rule is not exported.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Construct">What in the rule, e.g. <c>threshold 2 of 3</c> or <c>scope 'x/*-app'</c>.</param>
/// <param name="Reason">Why the target can't express it exactly.</param>
internal sealed record PolicyExportRefusal(string Rule, string Construct, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"rule '{Rule}': {Construct}: {Reason}";
}
